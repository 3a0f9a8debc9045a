// notation's trust store types and names: plain data, so reading a trust policy does not load the X.509 code.
export type TrustStoreType = 'ca' | 'signingAuthority' | 'tsa';
export const TRUST_STORE_TYPES: readonly TrustStoreType[] = ['ca', 'signingAuthority', 'tsa'];
export const STORE_NAME = /^[a-zA-Z0-9_.-]+$/;
