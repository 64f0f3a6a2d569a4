/**
 * Stream data goes over the WebSocket as binary frames, not base64 in JSON: one byte giving the
 * stream id's length, the id in ASCII, then the payload. Everything else is a JSON text frame.
 */
export function encodeDataFrame(stream: string, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(1 + stream.length + data.byteLength);
  frame[0] = stream.length;
  for (let i = 0; i < stream.length; i++) frame[1 + i] = stream.charCodeAt(i);
  frame.set(data, 1 + stream.length);
  return frame;
}

export function decodeDataFrame(frame: Uint8Array): { stream: string; data: Uint8Array } | null {
  const length = frame[0];
  if (length === undefined || length === 0 || frame.byteLength < 1 + length) return null;
  const stream = String.fromCharCode(...frame.subarray(1, 1 + length));
  return { stream, data: frame.subarray(1 + length) };
}
