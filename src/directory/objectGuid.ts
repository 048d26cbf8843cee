// Object ids as text: Active Directory's objectGUID is 16 bytes whose first three groups are little-endian, so the
// bytes and the familiar 8-4-4-4-12 form differ in order. OpenLDAP's entryUUID and Entra ids are already text.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** "00112233-4455-6677-8899-aabbccddeeff" → the 16 bytes AD stores (33 22 11 00 55 44 77 66 88 99 …). */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const raw = Buffer.from(hex, 'hex');
  return Buffer.concat([raw.subarray(0, 4).reverse(), raw.subarray(4, 6).reverse(), raw.subarray(6, 8).reverse(), raw.subarray(8)]);
}

export function guidFromBytes(bytes: Buffer): string {
  const b = Buffer.from(bytes);
  const ordered = Buffer.concat([b.subarray(0, 4).reverse(), b.subarray(4, 6).reverse(), b.subarray(6, 8).reverse(), b.subarray(8)]).toString('hex');
  return `${ordered.slice(0, 8)}-${ordered.slice(8, 12)}-${ordered.slice(12, 16)}-${ordered.slice(16, 20)}-${ordered.slice(20)}`;
}
