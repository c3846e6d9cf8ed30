import { errorLine, errorMessage } from '../../src/lib/error-line';

describe('errorMessage', () => {
  it("gives an Error's message, or its name when the message is empty", () => {
    expect(errorMessage(new RangeError('too far'))).toBe('too far');
    expect(errorMessage(new RangeError())).toBe('RangeError');
  });

  it('gives a thrown string as is, line breaks kept', () => {
    expect(errorMessage('first\nsecond')).toBe('first\nsecond');
  });

  it('describes anything else instead of printing undefined', () => {
    expect(errorMessage(undefined)).toBe('undefined (thrown, not an Error)');
    expect(errorMessage({ code: 42 })).toBe('{ code: 42 } (thrown, not an Error)');
  });
});

describe('errorLine', () => {
  it('folds line breaks into " | " and runs of blanks into one space', () => {
    expect(errorLine(new Error('boom\n   second  line\n'))).toBe('boom | second line');
  });

  it('ends a line longer than max in an ellipsis, max characters in all', () => {
    const line = errorLine('x'.repeat(50), 10);
    expect(line).toBe(`${'x'.repeat(9)}…`);
    expect(errorLine('short', 10)).toBe('short');
  });
});
