// Dutch number formatting for every figure the pages show (decimal comma, no jargon units).
"use strict";

const NL = {
  number(value, digits = 1) {
    // signDisplay "negative": a value that rounds to zero shows as "0,00", not "-0,00"
    return new Intl.NumberFormat("nl-NL", { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: "negative" }).format(value);
  },
  signed(value) {
    return new Intl.NumberFormat("nl-NL", { signDisplay: "exceptZero" }).format(value);
  },
  points(value) {
    return `${NL.signed(value)} ${Math.abs(value) === 1 ? "punt" : "punten"}`;
  },
  seconds(start, end) {
    return `${NL.number(start)} tot ${NL.number(end)} seconden`;
  },
  date(iso) {
    return new Intl.DateTimeFormat("nl-NL", { dateStyle: "long", timeStyle: "short" }).format(new Date(`${iso}Z`));
  },
};
