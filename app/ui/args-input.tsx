'use client';
// A line of command-line arguments and, under it, the words it will send, each a chip: that is where
// the user sees that "a b" stayed one argument. An open quote is said at once, and the run is not sent.
import { splitArgs } from '@/lib/contract/shell-words';

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** Ids of text that describes the field (a hint), besides the words and the problem. */
  describedBy?: string;
  /** Said when the line holds no words (nothing is said without it). */
  emptyText?: string;
  testId: string;
}

export function ArgsInput({ id, value, onChange, placeholder, describedBy, emptyText, testId }: Props) {
  const split = splitArgs(value);
  const wordsId = `${id}-words`;
  const problemId = `${id}-problem`;
  return (
    <div className="args-input">
      <input
        id={id}
        data-testid={testId}
        className="text-input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={split.error !== null || undefined}
        aria-describedby={
          [describedBy, split.error !== null ? problemId : split.words.length || emptyText ? wordsId : null]
            .filter(Boolean)
            .join(' ') || undefined
        }
      />
      {split.error !== null ? (
        <p id={problemId} className="field-error" role="alert" data-testid={`${testId}-problem`}>
          {split.error}
        </p>
      ) : (
        <ArgWords id={wordsId} words={split.words} emptyText={emptyText} testId={`${testId}-words`} />
      )}
    </div>
  );
}

interface WordsProps {
  id: string;
  words: string[];
  emptyText?: string;
  testId: string;
}

function ArgWords({ id, words, emptyText, testId }: WordsProps) {
  if (words.length === 0) {
    if (!emptyText) return null;
    return (
      <p id={id} className="chips-empty muted" data-testid={testId}>
        {emptyText}
      </p>
    );
  }
  return (
    <ol
      id={id}
      className="chips"
      aria-label={`${words.length} argument${words.length === 1 ? '' : 's'}`}
      data-testid={testId}
    >
      {words.map((w, i) => (
        <li key={i} className="chip" data-testid="arg-word">
          {w === '' ? <span className="muted">(empty)</span> : w}
        </li>
      ))}
    </ol>
  );
}
