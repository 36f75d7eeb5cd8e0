'use client';
// Shows the link the Share button made, whether or not the clipboard took it (it may refuse
// without a secure context or permission), so it can always be copied by hand.
interface Props {
  url: string;
  copied: boolean;
  onClose: () => void;
}

export function SharePanel({ url, copied, onClose }: Props) {
  return (
    <div className="share-panel" role="region" aria-label="Share link">
      <label htmlFor="share-link">{copied ? 'Link copied to the clipboard:' : 'Copy this link:'}</label>
      <input
        id="share-link"
        data-testid="share-link"
        readOnly
        value={url}
        onFocus={(e) => e.currentTarget.select()}
        autoFocus
      />
      <button type="button" className="btn ghost" onClick={onClose} aria-label="Close the share link">
        Close
      </button>
    </div>
  );
}
