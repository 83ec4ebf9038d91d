/** The web UI's entry point: registers the app shell, which registers the pages. */
import './components/hl-app.js';
