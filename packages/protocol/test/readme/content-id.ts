// The content id example of README.md (see module-client.ts for why the examples live here).
import { contentId } from '../../src/index.js';

export function contentIdExample(): bigint {
  const id = contentId(540, new TextEncoder().encode('hi')); // the same bigint on every node
  return id;
}
