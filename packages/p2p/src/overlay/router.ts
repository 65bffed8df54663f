import {
  MessageType,
  type AuthPeerResponse,
  type AuthPush,
  typeName,
  type LazyPushMessage,
  type Message,
  type PeerAddress,
  type PeerNotification,
  type Ping,
} from '@gossip5/protocol';
import { CloseReason } from '../transport/close-reason.js';
import type { Link } from '../transport/link.js';

/** Where each message an established neighbour may send goes. */
export interface Routes {
  notification(link: Link, msg: PeerNotification): void;
  ping(link: Link, msg: Ping): void;
  peerRequest(link: Link, max: number): void;
  peerResponse(link: Link, peers: PeerAddress[]): void;
  push(link: Link, ttl: number, address: PeerAddress): void;
  /** IHAVE, GRAFT or PRUNE (the handler checks the link negotiated lazy push). */
  lazyPush(link: Link, msg: LazyPushMessage): void;
  /** 515, only on an authenticated link; read only in answer to our PEER REQUEST, as 505. */
  authPeerResponse(link: Link, msg: AuthPeerResponse): void;
  /** 516, only on an authenticated link. */
  authPush(link: Link, msg: AuthPush): void;
}

/**
 * Message routing of established links: 504, 505, 509, 510, 511 and 512-514 go to their handler, and
 * 515-516 too on an authenticated link; anything else from an established neighbour (515-516 on a
 * plaintext link included) closes its link (`unexpected-message`).
 */
export function routeEstablished(link: Link, msg: Message, routes: Routes): void {
  switch (msg.type) {
    case MessageType.PeerNotification:
      return routes.notification(link, msg);
    case MessageType.Ping:
      return routes.ping(link, msg);
    case MessageType.PeerRequest:
      return routes.peerRequest(link, msg.max);
    case MessageType.PeerResponse:
      return routes.peerResponse(link, msg.peers);
    case MessageType.Push:
      return routes.push(link, msg.ttl, msg.address);
    case MessageType.IHave:
    case MessageType.Graft:
    case MessageType.Prune:
      return routes.lazyPush(link, msg);
    case MessageType.AuthPeerResponse:
      if (!link.identity) break;
      return routes.authPeerResponse(link, msg);
    case MessageType.AuthPush:
      if (!link.identity) break;
      return routes.authPush(link, msg);
  }
  link.close(CloseReason.UnexpectedMessage, `${typeName(msg.type)} on ${link.identity ? 'an' : 'a plaintext'} established link`);
}
