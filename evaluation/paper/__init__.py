"""Paper out: the decree's forms printed from the app, and their digital signatures.

- `documents`: the monthly/quarterly evaluation sheet of one person (Mẫu số 01, Phụ lục II,
  Nghị định 335/2025/NĐ-CP) and the unit's monthly summary list, as PDF and as Excel with
  the same columns; reads only.
- `signing`: the agency's certificate (PKCS#12, key encrypted at rest), signing an issued
  PDF with pyHanko and checking a PDF signed outside the app against the issued one.
"""
