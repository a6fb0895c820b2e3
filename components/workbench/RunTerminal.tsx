"use client";

/**
 * Read-only xterm.js terminal for build output (rendered `--progress=plain` style by
 * lib/progress-render). Loaded lazily with the rest of the workbench's heavy parts.
 */
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef } from "react";
import type { TerminalSink } from "./terminal-sink";

const THEME = {
  background: "#0b0d10",
  foreground: "#d7dde6",
  cursor: "#0b0d10", // no visible cursor: nobody types here
  selectionBackground: "#35507a",
};

export default function RunTerminal({ sink, label }: { sink: TerminalSink; label: string }) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({
      disableStdin: true,
      convertEol: false, // the sink converts
      cursorBlink: false,
      fontFamily: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 12,
      lineHeight: 1.2,
      scrollback: 5000,
      theme: THEME,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    term.textarea?.setAttribute("aria-label", `${label} (read-only)`);
    term.textarea?.setAttribute("readonly", "");
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // fit throws while the host is hidden (0×0); the next resize fixes it
      }
    };
    refit();
    const observer = new ResizeObserver(refit);
    observer.observe(el);
    sink.attach({
      write: (text) => term.write(text),
      clear: () => term.reset(),
    });
    return () => {
      sink.attach(null);
      observer.disconnect();
      term.dispose();
    };
  }, [sink, label]);

  return <div ref={host} className="terminal-host" role="region" aria-label={label} />;
}
