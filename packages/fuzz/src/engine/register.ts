/** `node --import .../register.js`: install the instrumenting loader before anything under test loads. */
import { register } from 'node:module';

register('./instrument-hook.js', import.meta.url);
