// Checks one rendered page for what a first-time user would trip over (issue 16): controls whose text is the
// colour of what lies behind it, horizontal overflow, catalogue keys and configuration text left visible.
// Run through WebDriver: arguments[0] is the list of catalogue keys. Returns a list of problems (strings).
const keys = new Set(arguments[0]);
const problems = [];

function parse(colour) {
  const m = colour.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
}

function over(top, bottom) {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

// The colour behind an element: its own and its ancestors' backgrounds, blended from the page up.
// A background image makes the answer unknowable here, so such elements are skipped (null).
function backdrop(element) {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const style = getComputedStyle(e);
    if (style.backgroundImage && style.backgroundImage !== "none") return null;
    const c = parse(style.backgroundColor);
    if (c && c.a > 0) layers.push(c);
    if (c && c.a >= 1) break;
  }
  let colour = { r: 255, g: 255, b: 255, a: 1 };
  for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
  return colour;
}

function luminance(c) {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}

function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

function visible(element) {
  const box = element.getBoundingClientRect();
  if (box.width < 2 || box.height < 2) return false;
  const style = getComputedStyle(element);
  if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0) return false;
  // Off-screen skip links and visually-hidden text are meant to be unseen until focused.
  if (box.right < 0 || box.bottom < 0 || box.left > document.documentElement.scrollWidth) return false;
  return element.getClientRects().length > 0;
}

function describe(element) {
  const text = (element.innerText || element.value || element.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
  return `${element.tagName.toLowerCase()}${element.className ? "." + String(element.className).split(" ").join(".") : ""} “${text.slice(0, 60)}”`;
}

const controls = document.querySelectorAll("a[href], button, input[type=submit], input[type=button], summary, [role=button]");
for (const element of controls) {
  if (!visible(element)) continue;
  const text = (element.innerText || element.value || "").trim();
  if (!text) continue;
  const behind = backdrop(element);
  const ink = parse(getComputedStyle(element).color);
  if (!behind || !ink) continue;
  const ratio = contrast(over(ink, behind), behind);
  const style = getComputedStyle(element);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) problems.push(`low contrast ${ratio.toFixed(2)}: ${describe(element)}`);
}

const width = document.documentElement.scrollWidth;
if (width > window.innerWidth + 1) {
  const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && visible(e))
    .slice(0, 3).map(describe);
  problems.push(`horizontal overflow: ${width}px in a ${window.innerWidth}px window (${wide.join("; ")})`);
}

const shown = document.body.innerText;
for (const token of shown.match(/[A-Za-z]+(?:\.[A-Za-z0-9]+)+/g) || []) {
  if (keys.has(token)) problems.push(`catalogue key shown: ${token}`);
}
for (const pattern of [/LAYAN_[A-Z_]+/, /not configured/i, /tidak dikonfigurasi/i, /\{[a-z]+\}/]) {
  const found = shown.match(pattern);
  if (found) problems.push(`text not for users: ${found[0]}`);
}
return problems;
