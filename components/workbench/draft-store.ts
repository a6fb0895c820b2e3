/**
 * The learner's unsent Dockerfile, per exercise, in localStorage: a reload or a closed tab does
 * not lose work. Storage can be missing or full (private windows, quotas): then drafts are simply
 * not kept.
 */
const key = (exerciseId: string) => `sc-draft:${exerciseId}`;

export function readDraft(exerciseId: string): string | null {
  try {
    return localStorage.getItem(key(exerciseId));
  } catch {
    return null;
  }
}

export function writeDraft(exerciseId: string, text: string): void {
  try {
    localStorage.setItem(key(exerciseId), text);
  } catch {
    // quota exceeded or storage disabled: the editor still works, the draft is just not kept
  }
}

/** Forgets every exercise's draft (signing out: the next person at this browser starts clean). */
export function clearDrafts(): void {
  try {
    const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i));
    for (const k of keys) if (k?.startsWith(key(""))) localStorage.removeItem(k);
  } catch {
    // storage disabled: there are no drafts to forget
  }
}
