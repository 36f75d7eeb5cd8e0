'use client';
// The program's output as it arrives (stdout, stderr and typed input told apart, in one pane in
// arrival order) and, in interactive runs, an input line: Enter sends the line, Ctrl+D (or the End
// input button, for touch screens) ends the input.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Segment } from './transcript';

/** open: the program may read; eof: the user ended the input; over: the run has ended. */
export type InputState = 'open' | 'eof' | 'over';

interface InputProps {
  state: InputState;
  onLine: (line: string) => void;
  /** End of input; `rest` is what was typed without pressing Enter (sent without a newline first). */
  onEof: (rest: string) => void;
}

interface Props {
  segments: Segment[];
  /** Shown while there is no output yet. */
  emptyText: string;
  /** The input line of an interactive run; none for a normal run. */
  input?: InputProps;
}

/** How close to the bottom (px) still counts as "at the bottom", where new output keeps the view. */
const STICK_PX = 24;

export function Console({ segments, emptyText, input }: Props) {
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
      {input && (
        <InputLine
          {...input}
          logRef={logRef}
          onSent={() => {
            stick.current = true;
          }}
        />
      )}
    </div>
  );
}

const PLACEHOLDER: Record<InputState, string> = {
  open: 'Type a line for the program',
  eof: 'Input ended',
  over: 'The run has ended',
};

function InputLine({
  state,
  onLine,
  onEof,
  logRef,
  onSent,
}: InputProps & { logRef: React.RefObject<HTMLPreElement | null>; onSent: () => void }) {
  const [line, setLine] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const hadFocus = useRef(false);
  const open = state === 'open';

  // The console takes the keyboard when a run starts; when the input closes under the cursor, the
  // focus moves to the output instead of falling back to the page.
  useEffect(() => {
    if (open) inputRef.current?.focus();
    else if (hadFocus.current) {
      hadFocus.current = false;
      logRef.current?.focus();
    }
  }, [open, logRef]);

  function sendLine() {
    onLine(line);
    setLine('');
    onSent();
  }

  function endInput() {
    onEof(line);
    setLine('');
    onSent();
  }

  return (
    <>
      <div className="console-input">
        <span className="prompt" aria-hidden="true">
          ›
        </span>
        <label htmlFor="console-input" className="visually-hidden">
          Input to the program
        </label>
        <input
          ref={inputRef}
          id="console-input"
          data-testid="console-input"
          type="text"
          value={line}
          onChange={(e) => setLine(e.target.value)}
          onFocus={() => (hadFocus.current = true)}
          onBlur={(e) => {
            // A field that is disabled under the cursor loses the focus too: that one still counts.
            if (!e.currentTarget.disabled) hadFocus.current = false;
          }}
          onKeyDown={(e) => {
            if (!open || e.nativeEvent.isComposing) return;
            const plain = !e.altKey && !e.metaKey && !e.shiftKey;
            if (e.key === 'Enter' && plain && !e.ctrlKey) {
              e.preventDefault();
              sendLine();
            } else if ((e.key === 'd' || e.key === 'D') && plain && e.ctrlKey) {
              e.preventDefault();
              endInput();
            }
          }}
          disabled={!open}
          placeholder={PLACEHOLDER[state]}
          aria-describedby="console-keys"
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          enterKeyHint="send"
        />
        <button
          type="button"
          className="btn small"
          data-testid="eof-button"
          onClick={endInput}
          disabled={!open}
          aria-keyshortcuts="Control+D"
          title="End the input (Ctrl+D): the program reads end-of-file"
        >
          End input
        </button>
      </div>
      <p id="console-keys" className="console-keys">
        <kbd>Enter</kbd> sends the line · <kbd>Ctrl+D</kbd> ends the input
      </p>
    </>
  );
}
