"use client";

/** The graded result: check list first (what to fix), then the image report (what was built). */
import { useState } from "react";
import type { CheckResult } from "@/lib/checks";
import { formatBytes, type ImageReport } from "@/lib/report";
import { InlineCode } from "../InlineCode";
import { CheckDetailView } from "./CheckDetailView";

const ICON = { pass: "✓", fail: "✗", error: "!" } as const;
const STATUS_LABEL = { pass: "passed", fail: "failed", error: "could not be checked" } as const;

export function CheckList({ checks, pendingTitles }: { checks: CheckResult[] | null; pendingTitles: string[] }) {
  if (!checks) {
    return (
      <ul className="check-list" aria-label="Checks">
        {pendingTitles.map((title) => (
          <li key={title} className="check" data-status="pending">
            <span className="check-icon" aria-hidden="true">
              ○
            </span>
            <span className="check-title">{title}</span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ul className="check-list" aria-label="Checks">
      {checks.map((c) => (
        <li key={c.checkId} className="check" data-status={c.status}>
          <span className="check-icon" aria-hidden="true">
            {ICON[c.status]}
          </span>
          <span className="check-title">
            {c.title} <span className="visually-hidden">{STATUS_LABEL[c.status]}</span>
          </span>
          <span className="check-detail">
            <InlineCode text={c.message} />
          </span>
          {c.detail ? (
            <div className="check-evidence">
              <CheckDetailView detail={c.detail} title={c.title} />
            </div>
          ) : null}
          {c.status !== "pass" && (c.hint || c.link) ? (
            <span className="check-hint">
              {c.hint ? <InlineCode text={c.hint} /> : null}{" "}
              {c.link ? (
                <a href={c.link} className="check-link">
                  Read the section
                </a>
              ) : null}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function userLabel(user: string): string {
  return user === "" || user === "root" || user === "0" || user.startsWith("0:") || user.startsWith("root:")
    ? `${user || "root"} (root)`
    : user;
}

export function ImageReportView({ report }: { report: ImageReport }) {
  const cmd = report.config.entrypoint ?? report.config.cmd;
  // The base image's history (its packages, labels, env) is not the learner's work: fold it into
  // one row so their own layers are what the table shows first.
  const [showBase, setShowBase] = useState(false);
  const base = report.layers.filter((l) => l.fromBase);
  const own = report.layers.filter((l) => !l.fromBase);
  const baseBytes = base.reduce((sum, l) => sum + l.sizeBytes, 0);
  const baseName = report.stages.at(-1)?.base ?? "base";
  return (
    <div>
      <dl className="report-facts">
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(report.sizeBytes)}</dd>
        </div>
        <div>
          <dt>Layers</dt>
          <dd>{report.layers.filter((l) => !l.empty).length}</dd>
        </div>
        <div>
          <dt>User</dt>
          <dd>{userLabel(report.config.user)}</dd>
        </div>
        <div>
          <dt>CMD form</dt>
          <dd title={cmd ? JSON.stringify(cmd) : undefined}>{report.config.cmdForm}</dd>
        </div>
        <div>
          <dt>Stages</dt>
          <dd>{report.stages.length}</dd>
        </div>
      </dl>
      <div className="layers-wrap">
        <table className="layers">
          <caption className="visually-hidden">Layers of the final image, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Instruction</th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {base.length > 0 ? (
              <tr data-base="true" className="layers-base-summary">
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={showBase}
                    onClick={() => setShowBase((v) => !v)}
                  >
                    {showBase ? "▾" : "▸"} Base image <code>{baseName}</code>: {base.length}{" "}
                    {base.length === 1 ? "entry" : "entries"}
                  </button>
                </td>
                <td className="num">{formatBytes(baseBytes)}</td>
              </tr>
            ) : null}
            {(showBase ? report.layers : own).map((layer, i) => (
              <tr key={i} data-base={layer.fromBase}>
                <td>
                  <code>{layer.instruction}</code>
                  {layer.fromBase ? <span className="layer-tag">base image</span> : null}
                </td>
                <td className="num">{layer.empty ? "—" : formatBytes(layer.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
