// `npm run demo`: what jiaoban does, end to end, on the embedded in-memory defaults.
import { main as deadlines } from './demo-deadlines.js';

deadlines();
