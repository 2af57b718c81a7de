import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { newId } from '../../shared/ids.js';

/**
 * Requests Node rejects before Express sees them (a URL over 16 KB, broken headers) still get the API's
 * JSON error shape and a Request-Id, instead of a bare connection reset.
 */
export function answerMalformedRequests(server: Server) {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      error: {
        type: 'invalid_request_error',
        message: tooLarge ? 'The request line or headers are too large.' : 'The request could not be parsed as HTTP.',
      },
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Request-Id: ${newId('request')}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
