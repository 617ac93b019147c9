#!/usr/bin/env bash
# Remakes docs/screenshots/: each public page at phone (360 px) and desktop (1024 px) width, taken in
# headless Chromium (apt-get install chromium chromium-driver) from a test server with sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --test api screenshots_of_the_public_pages -- --ignored --exact accessibility::screenshots_of_the_public_pages
ls -l docs/screenshots
