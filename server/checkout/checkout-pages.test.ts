import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForHtml } from './checkout-pages.js';

describe('HTML output', () => {
  it('escapes text and keeps JSON inside its script element', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const json = jsonForHtml({ name: '</script><script>alert(1)</script><!--', sep: '\u2028' });
    expect(json).not.toMatch(/<|>|\u2028/);
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script><!--', sep: '\u2028' });
  });
});
