/** Small hast helpers shared by the lesson rehype plugins (no dependency beyond the hast types). */
import type { Element, ElementContent, Root, RootContent } from "hast";

export type HastNode = Root | RootContent | ElementContent;

export function isElement(node: HastNode, tag?: string): node is Element {
  return node.type === "element" && (tag === undefined || node.tagName === tag);
}

/** The text a reader sees in a node, like hast-util-to-string. */
export function hastText(node: HastNode): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return (node.children as HastNode[]).map(hastText).join("");
  return "";
}

export function addClass(el: Element, name: string): void {
  const current: unknown = el.properties.className;
  const list = Array.isArray(current) ? current.map(String) : typeof current === "string" ? current.split(/\s+/) : [];
  if (!list.includes(name)) el.properties.className = [...list, name];
}
