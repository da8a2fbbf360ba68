/**
 * A Durable Object's RPC methods as a caller sees them: same arguments, results always awaited.
 * Callers type stubs with this rather than workerd's recursive Rpc stub mapping, which cannot expand
 * our JSON-valued records; the values themselves are plain JSON and cross RPC unchanged.
 */
export type RpcApi<T> = {
  [K in keyof Omit<T, keyof DurableObject>]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
