// Chromium comes from Debian (/usr/bin/chromium); puppeteer must never download a browser.
module.exports = { skipDownload: true };
