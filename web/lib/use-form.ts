import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { z } from 'zod';
import { errorMessage, serverFieldErrors, zodFieldErrors } from './errors';

type Values = Record<string, string>;

/**
 * Form state validated with the same zod contract the server uses. Client errors appear before a request;
 * the server's field errors (data.fieldErrors) land on the same fields; anything else becomes the form error.
 */
export function useZodForm<S extends z.ZodType>(schema: S, initial: Values) {
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  function focusFirstInvalid() {
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  function bind(name: string) {
    return {
      name,
      value: values[name] ?? '',
      onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
        const value = event.target.value;
        setValues((v) => ({ ...v, [name]: value }));
        setErrors((e) => {
          if (!(name in e)) return e;
          const { [name]: _removed, ...rest } = e;
          return rest;
        });
      },
    };
  }

  /** Wraps a submit handler: it runs only with parsed, valid values. */
  function handleSubmit(onValid: (data: z.output<S>) => void) {
    return (event: FormEvent) => {
      event.preventDefault();
      setFormError(null);
      const result = schema.safeParse(values);
      if (!result.success) {
        setErrors(zodFieldErrors(result.error));
        focusFirstInvalid();
        return;
      }
      setErrors({});
      onValid(result.data);
    };
  }

  function applyServerError(error: unknown) {
    const fields = serverFieldErrors(error);
    const known = Object.fromEntries(Object.entries(fields).filter(([key]) => key in initial));
    setErrors(known);
    const onlyFieldProblems = Object.keys(known).length > 0 && Object.keys(known).length === Object.keys(fields).length;
    setFormError(onlyFieldProblems ? null : errorMessage(error));
    if (Object.keys(known).length) focusFirstInvalid();
  }

  function reset(next: Values = initial) {
    setValues(next);
    setErrors({});
    setFormError(null);
  }

  return { values, setValues, errors, formError, setFormError, bind, handleSubmit, applyServerError, reset, formRef };
}
