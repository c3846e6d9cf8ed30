// What a display driver sends through, with the bus left out. A controller driver says "these bytes are commands"
// or "these bytes are display RAM"; how the controller tells the two apart is the transport's business (on I2C a
// control byte before the payload, on 4-wire SPI the D/C# pin). An I/O expander driving a character LCD has no such
// distinction: it gets the port bytes as they are.

export interface WriteCounters {
  bytes: number;
  transactions: number;
}

interface Counted {
  /** Bytes on the wire (after the address byte) and write transactions, since construction. */
  readonly sent: Readonly<WriteCounters>;
  close(): Promise<void>;
}

/** A link to a display controller with separate command and data streams (SSD1306 family, SH110x). */
export interface ControllerTransport extends Counted {
  command(bytes: readonly number[]): Promise<void>;
  data(bytes: Uint8Array): Promise<void>;
}

/** A link to an output port, such as a PCF8574 expander: each byte sets the port's pins. */
export interface PortTransport extends Counted {
  write(bytes: readonly number[]): Promise<void>;
}

export type Transport = ControllerTransport | PortTransport;
