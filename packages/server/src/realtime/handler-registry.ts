import type { ClientMessage, ClientMessageType } from '@tandem/protocol';
import { errors } from '../errors/app-error.ts';
import type { AckPayload, ClientMessageOf, HandlerContext, MessageHandler } from '../gateway-api.ts';

/**
 * The client message types the gateway answers, each with its one handler. The gateway
 * registers its own (subscribe, unsubscribe, ping, presence, cursors, the default `typing`
 * relay); domains register theirs through `Gateway.registerHandler`. Every transport dispatches
 * through the same registry. `C` is the context the gateway passes; a domain's handler asks only
 * for the {@link HandlerContext} part of it.
 */
export class HandlerRegistry<C extends HandlerContext> {
  readonly #handlers = new Map<ClientMessageType, MessageHandler<ClientMessageType, C>>();

  /** Makes `handler` answer messages of `type`; a second registration for a type replaces the first. */
  register<T extends ClientMessageType>(type: T, handler: MessageHandler<T, C>): void {
    // Stored by type, so dispatch below hands each handler only messages of its own type.
    this.#handlers.set(type, handler as unknown as MessageHandler<ClientMessageType, C>);
  }

  /** Runs the handler of `message.type`; a type nobody registered is refused with `invalid_input`. */
  async dispatch(message: ClientMessage, context: C): Promise<AckPayload> {
    const handler = this.#handlers.get(message.type);
    if (!handler) throw errors.invalid(`This server does not handle ${message.type} messages.`, { type: message.type });
    return handler(message as ClientMessageOf<ClientMessageType>, context);
  }
}
