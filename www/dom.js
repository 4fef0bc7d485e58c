// Small DOM helpers shared by every module of the shell.

/** Creates an element with properties and children; text children become text nodes, never HTML. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** The message of anything thrown. */
export function messageOf(err) {
  return (err && err.message) || String(err);
}

/** Whether an exception is an input error from the wasm API (a plain Error) rather than a crash. */
export function isInputError(err) {
  return err instanceof Error && !(err instanceof WebAssembly.RuntimeError);
}

/** Saves `blob` as a file called `name` through a temporary link. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
