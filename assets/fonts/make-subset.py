"""Makes NotoSansSC-GB2312.ttf, the drill report's PDF font, from Noto Sans CJK SC Regular.

Run once by a developer (not at build or run time), with fontTools (Debian: python3-fonttools):

    python3 assets/fonts/make-subset.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

Keeps every character of GB 2312 (6,763 hanzi and its symbols), printable ASCII and a few marks
the report prints; converts the CFF outlines to TrueType and pads each glyph to 4 bytes, because
pdf-lib's font subsetter (@pdf-lib/fontkit) corrupts CID-keyed CFF fonts and unaligned glyphs.
"""
import sys
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

SC_FACE = 2  # Face order in NotoSansCJK-*.ttc: JP, KR, SC, TC, HK.
EXTRA = "·—–…×✓✗√○●□■▶◀→←↑↓℃％＋：，。、；！？（）【】《》“”‘’・°±"


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA)
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def to_truetype(font: TTFont) -> None:
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    glyf.padding = 4
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    font["post"].formatType = 3.0
    font["head"].glyphDataFormat = 0
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"


def main(source: str, target: str) -> None:
    options = subset.Options()
    options.font_number = SC_FACE
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    to_truetype(font)
    font.recalcBBoxes = True  # the new TrueType glyphs carry no bounds yet
    font.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "assets/fonts/NotoSansSC-GB2312.ttf")
