// `npm run demo`: what jiaoban does, end to end, on the embedded in-memory defaults.
import { main as deadlines } from './demo-deadlines.js';
import { main as complexCase } from './engine-complex.js';
import { main as generalCase } from './engine-general.js';
import { main as board } from './demo-board.js';

deadlines();
console.log('\n──────── a general case, from registration to archive ────────\n');
await generalCase();
console.log('\n──────── a complex cross-department case ────────\n');
await complexCase();
console.log('\n──────── Spring Festival 2026: the red/yellow/green board, day by day ────────\n');
await board();
