#!/usr/bin/env bash
# Remakes docs/screenshots/: each public page at phone (360 px) and desktop (1024 px) width, and the main
# dashboard pages (admin-*.png) at phone and desktop width in light and dark mode, taken in
# headless Chromium (apt-get install chromium chromium-driver) from a test server with sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --test api screenshots_of_the_ -- --ignored --test-threads 1 accessibility::screenshots_of_the_
ls -l docs/screenshots
