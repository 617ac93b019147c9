DROP TABLE anchor_blocks;
DROP TABLE anchors;
