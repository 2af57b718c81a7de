/** Card-number rules shared by the API's card validation and the checkout page. */

/** The Luhn checksum over a string of digits (no spaces); false for anything that is not only digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A plausible card number: 12 to 19 digits passing the Luhn check. */
export function cardNumberValid(digits: string): boolean {
  return /^\d{12,19}$/.test(digits) && luhnValid(digits);
}
