import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';

let t: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  t = await createTestDatabase();
  server = await startTestServer(t.deps);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

function rawRequest(text: string): Promise<string> {
  const { port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
    let response = '';
    socket.on('data', (chunk) => (response += chunk));
    socket.on('end', () => resolve(response));
    socket.on('error', reject);
  });
}

describe('requests Node rejects before Express', () => {
  it('answers an oversized request line with the JSON error shape and a Request-Id', async () => {
    const response = await rawRequest(`GET /v1/customers?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(response).toMatch(/Request-Id: req_\w+/);
    expect(JSON.parse(response.split('\r\n\r\n')[1])).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('answers garbage that is not HTTP with a 400 JSON error', async () => {
    const response = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(response.split('\r\n\r\n')[1]).error.message).toContain('could not be parsed');
  });
});
