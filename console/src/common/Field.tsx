import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

/** A labelled text input: the label wraps the input, so it names it for screen readers and a click focuses it. */
export function TextField({
  label,
  value,
  onChange,
  ...input
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <label>
      {label}
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

/** One choice of a SelectField: the value sent and the text shown. */
export interface Choice<V extends string> {
  value: V;
  label: ReactNode;
}

/** A labelled select over the given choices (an "all" choice is one with the value ''). */
export function SelectField<V extends string>({
  label,
  value,
  onChange,
  choices,
  ...select
}: {
  label: ReactNode;
  value: V;
  onChange: (value: V) => void;
  choices: readonly Choice<V>[];
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  return (
    <label>
      {label}
      <select {...select} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}
