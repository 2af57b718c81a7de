import { describe, expect, it } from 'vitest';
import { zonedTimestamp } from './cells.js';
import { createReportWriter, csvField, csvLine, neutraliseFormula } from './writers.js';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe('report cells', () => {
  it('neutralises formula starts in text cells only', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r', '\n']) expect(neutraliseFormula(`${start}1`)).toBe(`'${start}1`);
    expect(neutraliseFormula('plain')).toBe('plain');
    expect(csvField('-5.00', 'amount')).toBe('-5.00');
    expect(csvField('-5.00', 'text')).toBe("'-5.00");
  });

  it('quotes per RFC 4180', () => {
    expect(csvField('a,b', 'text')).toBe('"a,b"');
    expect(csvField('say "hi"', 'text')).toBe('"say ""hi"""');
    expect(csvField('two\nlines', 'text')).toBe('"two\nlines"');
    expect(csvField(null, 'text')).toBe('');
    expect(csvLine(['x', null, '1.50'], ['text', 'text', 'amount'])).toBe('x,,1.50\r\n');
  });

  it('writes timestamps with the zone offset, including half and quarter hours', () => {
    const at = new Date('2026-07-01T12:00:00.999Z');
    expect(zonedTimestamp(at, 'UTC')).toBe('2026-07-01T12:00:00+00:00');
    expect(zonedTimestamp(at, 'Asia/Kolkata')).toBe('2026-07-01T17:30:00+05:30');
    expect(zonedTimestamp(at, 'Asia/Kathmandu')).toBe('2026-07-01T17:45:00+05:45');
    expect(zonedTimestamp(at, 'America/St_Johns')).toBe('2026-07-01T09:30:00-02:30');
    expect(zonedTimestamp(new Date('2026-11-01T05:59:59Z'), 'America/New_York')).toBe('2026-11-01T01:59:59-04:00');
    expect(zonedTimestamp(new Date('2026-11-01T06:00:00Z'), 'America/New_York')).toBe('2026-11-01T01:00:00-05:00');
  });

  it('streams CSV with an optional BOM and an empty file keeps its header', async () => {
    const writer = createReportWriter({ format: 'csv', bom: true, columns: [{ header: 'id', kind: 'text' }, { header: 'amount', kind: 'amount' }] });
    const out = text(writer.output);
    await writer.write([['a', '1.00']]);
    await writer.end();
    expect(await out).toBe('\uFEFFid,amount\r\na,1.00\r\n');
    const empty = createReportWriter({ format: 'csv', columns: [{ header: 'id', kind: 'text' }] });
    const emptyOut = text(empty.output);
    await empty.end();
    expect(await emptyOut).toBe('id\r\n');
  });
});
