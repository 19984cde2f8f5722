/**
 * A QR code as inline SVG elements, from uqr's module matrix (encoding QR codes is that library's
 * business, not ours). Built with DOM calls — no innerHTML, no data: URL — so the page's
 * Content-Security-Policy needs nothing extra for it.
 */
import { encode } from 'uqr';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element showing `text` as a QR code (medium error correction, a 4-module quiet zone). */
export function qrCode(text: string, label: string): SVGSVGElement {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('class', 'qr-code');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  svg.appendChild(background);
  // One path for all dark modules: a few kilobytes, not a thousand elements.
  let d = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.appendChild(path);
  return svg;
}
