'use client';
// The program's files as tabs above the editor (the WAI-ARIA tabs pattern: arrow keys move between
// them), with New file, Rename and Delete. Names are checked as the API checks them, and a bad one is
// a message here. The first file is the entry: the program starts there, and it cannot be deleted.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { newNameProblem } from './file-names';
import { suggestFileName } from './file-kinds';

export interface FileTab {
  /** Stable across renames, so the tab (and the keyboard focus on it) survives one. */
  id: number;
  name: string;
}

interface Props {
  files: FileTab[];
  active: string;
  disabled: boolean;
  /** The id of the panel the tabs control (the editor). */
  panelId: string;
  onSelect: (name: string) => void;
  onAdd: (name: string) => void;
  onRename: (from: string, to: string) => void;
  onDelete: (name: string) => void;
}

type Mode = { kind: 'tabs' } | { kind: 'add' | 'rename'; value: string; tried: boolean } | { kind: 'delete' };

export const tabId = (file: FileTab) => `file-tab-${file.id}`;

export function FileTabs({ files, active, disabled, panelId, onSelect, onAdd, onRename, onDelete }: Props) {
  const [mode, setMode] = useState<Mode>({ kind: 'tabs' });
  const tabs = useRef(new Map<number, HTMLButtonElement>());
  // Where the focus goes once the form closes: back to a tab after Escape, Rename or Delete.
  const focusTab = useRef(false);
  const names = files.map((f) => f.name);
  const activeIndex = Math.max(0, names.indexOf(active));
  const isEntry = activeIndex === 0;

  useEffect(() => {
    if (mode.kind !== 'tabs' || !focusTab.current) return;
    focusTab.current = false;
    tabs.current.get(files[activeIndex]?.id)?.focus();
  });

  const others = mode.kind === 'rename' ? names.filter((n) => n !== active) : names;
  const problem = mode.kind === 'add' || mode.kind === 'rename' ? newNameProblem(mode.value.trim(), others) : undefined;

  function close(toTab: boolean) {
    focusTab.current = toTab;
    setMode({ kind: 'tabs' });
  }

  function submit() {
    if (mode.kind !== 'add' && mode.kind !== 'rename') return;
    const name = mode.value.trim();
    if (problem) return setMode({ ...mode, tried: true });
    if (mode.kind === 'add') {
      close(false);
      onAdd(name);
    } else {
      close(true);
      if (name !== active) onRename(active, name);
    }
  }

  function onTabKey(e: KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = files.length - 1;
    const to = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[e.key];
    if (to !== undefined) {
      e.preventDefault();
      const next = files[(to + files.length) % files.length];
      onSelect(next.name);
      tabs.current.get(next.id)?.focus();
    } else if (e.key === 'F2') {
      e.preventDefault();
      setMode({ kind: 'rename', value: active, tried: false });
    } else if (e.key === 'Delete' && index > 0) {
      e.preventDefault();
      setMode({ kind: 'delete' });
    }
  }

  return (
    <div className="file-bar">
      <div className="file-tabs" role="tablist" aria-label="Files" data-testid="file-tabs">
        {files.map((f, i) => {
          const selected = i === activeIndex;
          return (
            <button
              key={f.id}
              ref={(el) => {
                if (el) tabs.current.set(f.id, el);
                else tabs.current.delete(f.id);
              }}
              type="button"
              role="tab"
              id={tabId(f)}
              className="file-tab"
              data-testid="file-tab"
              aria-selected={selected}
              aria-controls={panelId}
              tabIndex={selected ? 0 : -1}
              disabled={disabled}
              title={i === 0 ? 'The entry file: the program starts here' : undefined}
              onClick={() => onSelect(f.name)}
              onDoubleClick={() => setMode({ kind: 'rename', value: f.name, tried: false })}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {f.name}
              {i === 0 && files.length > 1 && <span className="entry-mark"> · entry</span>}
            </button>
          );
        })}
      </div>

      {mode.kind === 'tabs' && (
        <div className="file-actions">
          <button
            type="button"
            className="btn small"
            data-testid="add-file"
            disabled={disabled}
            onClick={() => setMode({ kind: 'add', value: suggestFileName(names), tried: false })}
          >
            New file
          </button>
          <button
            type="button"
            className="btn small"
            data-testid="rename-file"
            disabled={disabled}
            aria-label={`Rename ${active}`}
            onClick={() => setMode({ kind: 'rename', value: active, tried: false })}
          >
            Rename
          </button>
          <button
            type="button"
            className="btn small"
            data-testid="delete-file"
            disabled={disabled || isEntry}
            aria-label={isEntry ? 'Delete (the entry file cannot be deleted)' : `Delete ${active}`}
            title={isEntry ? 'The entry file cannot be deleted' : undefined}
            onClick={() => setMode({ kind: 'delete' })}
          >
            Delete
          </button>
        </div>
      )}

      {(mode.kind === 'add' || mode.kind === 'rename') && (
        <form
          className="file-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label htmlFor="file-name">{mode.kind === 'add' ? 'New file' : `Rename ${active} to`}</label>
          <input
            id="file-name"
            data-testid="file-name"
            value={mode.value}
            onChange={(e) => setMode({ ...mode, value: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                close(true);
              }
            }}
            onFocus={(e) => {
              // Select the stem, so typing replaces "helper" and keeps ".py".
              const dot = e.currentTarget.value.lastIndexOf('.');
              e.currentTarget.setSelectionRange(0, dot > 0 ? dot : e.currentTarget.value.length);
            }}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            aria-invalid={mode.tried && problem ? true : undefined}
            aria-describedby={mode.tried && problem ? 'file-name-problem' : undefined}
          />
          <button type="submit" className="btn small" data-testid="file-name-ok">
            {mode.kind === 'add' ? 'Create' : 'Rename'}
          </button>
          <button type="button" className="btn small ghost" onClick={() => close(true)}>
            Cancel
          </button>
          {mode.tried && problem && (
            <p id="file-name-problem" className="field-error" role="alert" data-testid="file-name-problem">
              {problem}
            </p>
          )}
        </form>
      )}

      {mode.kind === 'delete' && (
        <div className="file-form" role="group" aria-label={`Delete ${active}`}>
          <span>Delete {active}? Its text is lost.</span>
          <button
            type="button"
            className="btn small danger"
            data-testid="confirm-delete"
            autoFocus
            onClick={() => {
              close(true);
              onDelete(active);
            }}
          >
            Delete
          </button>
          <button type="button" className="btn small ghost" onClick={() => close(true)}>
            Keep it
          </button>
        </div>
      )}
    </div>
  );
}
