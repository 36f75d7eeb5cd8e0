'use client';
// The program's output as it arrives: stdout and stderr told apart, in one pane in arrival order.
import { useLayoutEffect, useRef } from 'react';
import type { Segment } from './transcript';

interface Props {
  segments: Segment[];
  /** Shown while there is no output yet. */
  emptyText: string;
}

/** How close to the bottom (px) still counts as "at the bottom", where new output keeps the view. */
const STICK_PX = 24;

export function Console({ segments, emptyText }: Props) {
  const logRef = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  // New output keeps the newest line in view, unless the user scrolled up to read.
  useLayoutEffect(() => {
    const log = logRef.current;
    if (log && stick.current) log.scrollTop = log.scrollHeight;
  }, [segments]);

  return (
    <div className="console" data-testid="console">
      <pre
        ref={logRef}
        className="console-log"
        data-testid="console-output"
        role="log"
        aria-live="polite"
        aria-label="Program output"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
        }}
      >
        {segments.length === 0 ? (
          <span className="empty">{emptyText}</span>
        ) : (
          segments.map((s, i) => (
            <span key={i} className={`seg ${s.kind}`} data-stream={s.kind}>
              {s.text}
            </span>
          ))
        )}
      </pre>
    </div>
  );
}
