// Command bytes the SSD1306 and the SH1106 share: the SH1106 keeps the SSD1306's fundamental command set
// (SSD1306 Rev 1.1 §9, SH1106 V2.2 command table). Each chip adds its own in its file.
export const OLED_COMMANDS = {
  DISPLAY_OFF: 0xae,
  DISPLAY_ON: 0xaf,
  SET_CLOCK_DIV: 0xd5,
  SET_MULTIPLEX: 0xa8,
  SET_DISPLAY_OFFSET: 0xd3,
  SET_START_LINE_0: 0x40,
  SEG_REMAP_OFF: 0xa0,
  SEG_REMAP_ON: 0xa1,
  COM_SCAN_INC: 0xc0,
  COM_SCAN_DEC: 0xc8,
  SET_COM_PINS: 0xda,
  SET_CONTRAST: 0x81,
  SET_PRECHARGE: 0xd9,
  /** VCOMH deselect level (SSD1306) / VCOM deselect level (SH1106): the same command. */
  SET_VCOM: 0xdb,
  RESUME_RAM: 0xa4,
  NORMAL: 0xa6,
  INVERT: 0xa7,
} as const;
