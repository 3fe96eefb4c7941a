// The preview pages' stylesheet: a bar on top, frames on the left, the check panel on the right.
enum PreviewStyle {
    static let css = """
    :root { color-scheme: light; --line: #d9dee5; --muted: #5b6573; --error: #b42318; --warning: #9a6700; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b2430; background: #eef1f5; }
    a { color: #0b5cad; }
    .bar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center;
           padding: 8px 16px; background: #1b2430; color: #e8edf3; }
    .bar a { color: #fff; font-weight: 600; text-decoration: none; }
    .bar .name { color: #aab6c4; }
    .bar select { max-width: 22em; }
    .bar .links a { font-weight: 400; margin-right: 10px; text-decoration: underline; }
    .toggles { display: flex; gap: 10px; align-items: center; }
    .group button { border: 1px solid #56606d; background: #2a3544; color: #e8edf3; padding: 3px 8px; cursor: pointer; }
    .group button.on { background: #e8edf3; color: #1b2430; }
    .live { margin-left: auto; font-size: 12px; color: #aab6c4; }
    .live.on::before { content: "● "; color: #3fb950; }
    .live.off::before { content: "● "; color: #f85149; }
    .page { max-width: 960px; margin: 24px auto; padding: 0 16px; }
    .issues { width: 100%; border-collapse: collapse; background: #fff; }
    .issues th, .issues td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
    .path, .meta { color: var(--muted); font-size: 12px; }
    .badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; margin-left: 4px; color: #fff; }
    .badge.draft { background: #6e7781; } .badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
    .stage { display: flex; gap: 16px; padding: 16px; align-items: flex-start; }
    .frames { display: flex; gap: 16px; flex: 1 1 auto; overflow-x: auto; align-items: flex-start; }
    .frames[data-frames="desktop"] .mobile, .frames[data-frames="mobile"] .desktop { display: none; }
    .frame { margin: 0; }
    .frame figcaption { font-size: 12px; color: var(--muted); margin-bottom: 4px; }
    .frame iframe { display: block; box-sizing: content-box; border: 1px solid var(--line); background: #fff; height: 900px; }
    .panel { flex: 0 0 360px; max-width: 420px; background: #fff; border: 1px solid var(--line); padding: 12px 14px;
             position: sticky; top: 56px; max-height: calc(100vh - 72px); overflow-y: auto; }
    .panel h1 { font-size: 18px; margin: 0 0 4px; } .panel h2 { font-size: 15px; margin: 16px 0 6px; }
    .counts { font-weight: 400; color: var(--muted); font-size: 12px; }
    .envelope, .measurements { width: 100%; border-collapse: collapse; font-size: 13px; }
    .envelope th, .measurements th { text-align: left; font-weight: 500; color: var(--muted); padding: 2px 8px 2px 0; width: 40%; vertical-align: top; }
    .envelope td.url { word-break: break-all; font-size: 12px; }
    .findings { list-style: none; margin: 0; padding: 0; }
    .finding { border-left: 3px solid var(--warning); padding: 4px 8px; margin: 0 0 8px; background: #fbf8ef; }
    .finding.error { border-color: var(--error); background: #fdf1f0; }
    .finding .severity { font-weight: 600; text-transform: uppercase; font-size: 11px; }
    .finding.error .severity { color: var(--error); } .finding.warning .severity { color: var(--warning); }
    .finding .location { font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); }
    .finding .hint { color: var(--muted); font-size: 12px; margin-top: 2px; }
    .clean { color: #1a7f37; }
    .text-part { background: #fff; border: 1px solid var(--line); padding: 16px; font: 14px/1.5 ui-monospace, "DejaVu Sans Mono", monospace;
                 white-space: pre-wrap; max-width: 82ch; }
    @media (max-width: 1100px) { .stage { flex-direction: column; } .panel { position: static; max-width: none; width: 100%; max-height: none; } }
    """
}
