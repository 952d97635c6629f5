import sodium from "libsodium-wrappers";

/** libsodium, initialized (its WebAssembly loads asynchronously, in Node and in the browser alike). */
export async function getSodium(): Promise<typeof sodium> {
  await sodium.ready;
  return sodium;
}
