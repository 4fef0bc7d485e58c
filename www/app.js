// The main page's entry point. The shell is split into ES modules shared with the embeds: page.js (this page's
// hash, notices and anchors), figure.js (one figure), controls.js (controls from the parameter table), stage.js
// (animation loop and observers), share.js (the share menu), links.js, format.js and scales.js (pure helpers).

import { startPage } from "./page.js";

startPage();
