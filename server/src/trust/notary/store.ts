// Persisted trust state per GUN: the trusted root (TOFU or pinned) and the highest role versions seen. The file-system
// store is stores/notaryTrust.ts: the trust layer never touches the disk itself.

export interface StoredTrust {
  readonly gun: string;
  /** Exact bytes of the trusted root.json, base64. */
  readonly root: string;
  /** Highest version verified per role name (rollback floor). */
  readonly versions: Readonly<Record<string, number>>;
  /** ISO time the root was first trusted. */
  readonly trustedSince: string;
}

export interface TrustStore {
  load(gun: string): Promise<StoredTrust | null>;
  save(state: StoredTrust): Promise<void>;
}

/** For tests and one-shot CLI runs: nothing survives the process. */
export class MemoryTrustStore implements TrustStore {
  private readonly map = new Map<string, StoredTrust>();
  load(gun: string): Promise<StoredTrust | null> {
    return Promise.resolve(this.map.get(gun) ?? null);
  }
  save(state: StoredTrust): Promise<void> {
    this.map.set(state.gun, state);
    return Promise.resolve();
  }
}
