// Where a credential lives, from the credential alone (no Cloudflare imports: pure and cheap).
//
// A user's sessions and API keys all live in one CredentialShard, chosen by a hash of the user id,
// so a key and every key it minted share one object (a key dies with its minter in one transaction)
// and a user's keys list from one object. The shard is written into the token itself
// (`exk_<tag>_<secret>`, `ses_<tag>_<secret>`), because a lookup knows only the token: the tag is
// two base32 characters naming the shard, public and no secret. Tokens issued before sharding have
// no tag (`exk_<secret>`) and are looked up where they were issued, in the AccountDirectory.

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * How many shards there are. Fixed: a user's shard is derived from it, so changing it would orphan
 * every credential (it needs a migration that moves rows, not a config change). Tags can name up to
 * 1,024 shards; 64 objects each see 1/64 of the lookups, and stay few enough to stay warm.
 */
export const CREDENTIAL_SHARDS = 64;

/** The shard of a user: FNV-1a (32-bit) of the user id, modulo the shard count. Stable forever. */
export function shardOfUser(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % CREDENTIAL_SHARDS;
}

/** The two-character tag naming a shard inside a token. */
export function shardTag(shard: number): string {
  return `${BASE32[(shard >> 5) & 31]}${BASE32[shard & 31]}`;
}

/** The Durable Object name of a shard (`idFromName`). */
export function shardName(shard: number): string {
  return `credentials-${shardTag(shard)}`;
}

/** The shard a name denotes, or null for a name that is not a shard's. */
export function shardFromName(name: string | undefined): number | null {
  const match = /^credentials-([0-9a-z]{2})$/.exec(name ?? "");
  return match?.[1] ? tagToShard(match[1]) : null;
}

function tagToShard(tag: string): number | null {
  const hi = BASE32.indexOf(tag[0] ?? "");
  const lo = BASE32.indexOf(tag[1] ?? "");
  if (tag.length !== 2 || hi < 0 || lo < 0) return null;
  const shard = hi * 32 + lo;
  return shard < CREDENTIAL_SHARDS ? shard : null;
}

/** Where a presented token is looked up: a shard, the pre-sharding directory, or nowhere. */
export type CredentialHome = { shard: number } | { legacy: true } | null;

/**
 * Reads the home from a token's shape. `<prefix>_<tag>_<32 base32>` lives in the tagged shard;
 * `<prefix>_<32 base32>` (issued before sharding) in the directory; anything else nowhere, so a
 * malformed or mistagged token costs no lookup at all.
 */
export function credentialHome(token: string, prefix: string): CredentialHome {
  const sharded = new RegExp(`^${prefix}_([0-9a-z]{2})_[0-9a-z]{32}$`).exec(token);
  if (sharded?.[1]) {
    const shard = tagToShard(sharded[1]);
    return shard === null ? null : { shard };
  }
  return new RegExp(`^${prefix}_[0-9a-z]{32}$`).test(token) ? { legacy: true } : null;
}
