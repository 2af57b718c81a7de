/** A few lines of DOM building instead of a framework: the whole checkout client must stay tiny. */

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Element, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An inline icon from one path; decorative, hidden from assistive technology. */
export function icon(path: string, className: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', className);
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

export function spinner(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'size-5 animate-spin');
  const track = document.createElementNS(SVG_NS, 'circle');
  for (const [k, v] of Object.entries({ cx: '12', cy: '12', r: '10', stroke: 'currentColor', 'stroke-width': '4', fill: 'none', class: 'opacity-25' })) track.setAttribute(k, v);
  const arc = document.createElementNS(SVG_NS, 'path');
  arc.setAttribute('d', 'M4 12a8 8 0 0 1 8-8v4a4 4 0 0 0-4 4H4Z');
  arc.setAttribute('fill', 'currentColor');
  arc.setAttribute('class', 'opacity-75');
  svg.append(track, arc);
  return svg;
}

export const ICONS = {
  check: 'M8.5 13.6 4.9 10l-1.4 1.4 5 5 8-8L15.1 7l-6.6 6.6Z',
  alert: 'M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm-1-5h2v2H9v-2Zm0-8h2v6H9V5Z',
  lock: 'M10 1a5 5 0 0 0-5 5v3H4a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-8a1 1 0 0 0-1-1h-1V6a5 5 0 0 0-5-5Zm3 8H7V6a3 3 0 1 1 6 0v3Z',
  shield: 'M10 1 3 4v5c0 4.4 3 8.4 7 9.5 4-1.1 7-5.1 7-9.5V4l-7-3Zm-1 12.4-3.2-3.2 1.4-1.4L9 10.6l3.8-3.8 1.4 1.4L9 13.4Z',
  close: 'M14.7 4 10 8.6 5.3 4 4 5.3 8.6 10 4 14.7 5.3 16l4.7-4.6 4.7 4.6 1.3-1.3-4.6-4.7L16 5.3 14.7 4Z',
};
