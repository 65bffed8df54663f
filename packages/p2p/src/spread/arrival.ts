import type { Link } from '../transport/link.js';
import type { ReceivedItem } from '../types.js';

/**
 * An item accepted from a neighbour, on its way through validation: the ReceivedItem the Validator
 * sees, and what the spreader needs once the verdict is in (the link it came on, whether its id is
 * derived from its content). One object per item, handed to `Validator.check` with the one
 * verdict sink of the spreader, instead of a Promise and two closures per item.
 */
export class Arrival implements ReceivedItem {
  /** The link it came on, until the verdict (then dropped, so a cached item holds no link). */
  link: Link | undefined;
  /** True once a verdict was taken: any later one is ignored. */
  decided = false;

  constructor(
    readonly messageId: bigint,
    readonly ttl: number,
    readonly dataType: number,
    readonly data: Uint8Array,
    readonly from: string,
    link: Link,
    /** The id is contentId(dataType, data). */
    readonly derived: boolean,
  ) {
    this.link = link;
  }
}
