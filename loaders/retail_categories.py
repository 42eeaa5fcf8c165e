"""A readable two-level category tree for Online Retail, which ships without categories.

Keyword rules over the product description, tried in order; the first that matches gives the
product's ``(department, aisle)``. The order encodes the shop's priorities: a season wins over a
product type ("Christmas tree light" is Christmas), a specific type wins over a general one ("jumbo
bag" before "bag", "T-light holder" before "light"), and what a thing *is* wins over its motif
("spaceboy lunch box" is a lunch box). Anything no rule knows lands in ``Gifts & Novelties > Other
Gifts``, so every product has a category.
"""
from __future__ import annotations

import re

FALLBACK = ("Gifts & Novelties", "Other Gifts")


def _words(*words: str) -> str:
    """A pattern matching any of ``words`` as whole words, with an optional plural ``S``/``ES``."""
    return r"\b(?:" + "|".join(words) + r")(?:E?S)?\b"


#: (department, aisle, pattern over the upper-cased description); first match wins.
RULES: list[tuple[str, str, str]] = [
    # Seasons first: shoppers look for them as a whole.
    ("Christmas", "Cards & Wrap",
     r"(?=.*\b(?:CHRISTMAS|XMAS|ADVENT)\b).*(?:\bCARDS?\b|\bWRAP\b|GIFT BAG|TAGS?\b|CRACKER|RIBBON)"),
    ("Christmas", "Tree Decorations", r"(?=.*\b(?:CHRISTMAS|XMAS)\b).*(?:\bTREE\b|BAUBLE|ORNAMENT|\bHANGING\b)"),
    ("Christmas", "Lights & Candles", r"(?=.*\b(?:CHRISTMAS|XMAS)\b).*(?:LIGHT|CANDLE|LANTERN)"),
    ("Christmas", "Decorations",
     r"CHRISTMAS|\b(?:XMAS|ADVENT|SANTA|REINDEER|SNOWFLAKE|SNOWMAN|NOEL|NATIVITY|BAUBLES?|TINSEL|JINGLE)\b|"
     r"\bSTOCKING\b"),
    ("Seasonal", "Easter", r"\bEASTER\b|\bEGG HUNT\b|\bBUNN(?:Y|IES)\b|\bCHICKS?\b|\bHEN\b.*\bEGG|PAINT YOUR OWN EGGS"),
    ("Seasonal", "Halloween", r"\bHALLOWEEN\b|\bPUMPKIN\b|\bWITCH\b"),
    ("Seasonal", "Valentine's Day", r"\bVALENTINE|\bCUPID\b"),
    # Lights and candles before the tableware and decor they resemble.
    ("Lights & Candles", "Candle Holders",
     r"T-?LIGHT HOLDER|TEA ?LIGHT HOLDER|CANDLE ?HOLDER|CANDLESTICK HOLDER|\bLANTERN|VOTIVE|CANDLE POT|"
     r"\bCANDLE(?:STICK)? STAND\b|HURRICANE LAMP|\bCANDLE PLATE\b"),
    ("Lights & Candles", "Candles", _words("CANDLE", "T-LIGHT", "TEALIGHT", "TEA LIGHT", "WAX", "WICK")),
    ("Lights & Candles", "Incense & Oil Burners",
     r"\bINCENSE\b|OIL BURNER|FRAGRANCE OIL|\bOIL\b.*\bBURNER|\bDIFFUSER\b|POT POURRI|POTPOURRI|SCENTED SACHET"),
    ("Lights & Candles", "Lamps & Lights",
     r"\bLAMPS?\b|LAMPSHADE|\bLIGHTS?\b|\bMATCHES\b|\bLED\b|CHANDELIER|LIGHTBULB|\bTORCH\b|NIGHT ?LIGHT|STRING OF"),
    # Bags before what is printed on them.
    ("Bags", "Shopping Bags",
     r"JUMBO|SHOPPER|\bTOTE\b|SHOPPING BAG|\bBAG\b.*\bCHARLIE|STRAWBERRY BAG|RECYCLED BAG|CARRY BAG|STORAGE BAG"),
    ("Bags", "Lunch Bags", r"LUNCH BAG|COOL BAG|PICNIC BAG"),
    ("Bags", "Gift Bags",
     r"GIFT BAG|PARTY BAG|TREAT BAG|\bBAG .*\bGIFT\b|CELLOPHANE BAG|BAGS? OF|SWEETIE BAG|PAPER BAG"),
    ("Bags", "Handbags & Purses",
     _words("HANDBAG", "PURSE", "WALLET", "CLUTCH", "COIN PURSE", "BACKPACK", "RUCKSACK", "SATCHEL", "SHOULDER BAG")),
    ("Bags", "Wash & Travel Bags",
     _words("WASHBAG", "WASH BAG", "TOILETRY", "SPONGE BAG", "MAKE UP BAG", "COSMETIC BAG", "VANITY")),
    ("Bags", "Other Bags", _words("BAG")),
    # Jewellery and fashion.
    ("Jewellery & Accessories", "Necklaces", r"NECKLACE|\bNECKL\b|\bPENDANT\b|\bCHOKER\b|\bLARIAT\b"),
    ("Jewellery & Accessories", "Bracelets", _words("BRACELET", "BANGLE", "CUFF")),
    ("Jewellery & Accessories", "Earrings", r"EARRING"),
    ("Jewellery & Accessories", "Rings & Brooches",
     r"\bRINGS?\b(?!.*\b(?:PURSE|HOLDER|DISH|BOX|BINDER))|\bBROOCH|\bCHARM\b|\bCHARMS\b"),
    ("Jewellery & Accessories", "Hair Accessories",
     r"\bHAIR\b|HAIRCLIP|HAIR ?BAND|HAIR ?SLIDE|\bSCRUNCHIE|\bALICE BAND|\bCLIP\b|\bCOMB\b|\bTIARA"),
    ("Jewellery & Accessories", "Jewellery Boxes & Sets", r"JEWELLERY"),
    ("Jewellery & Accessories", "Umbrellas & Fashion",
     r"\bUMBRELLA(?! STAND)|\bPARASOL|\bSCARF(?!.*HOT WATER)|\bHAT\b|\bMITTEN|\bSLIPPERS?\b|\bSOCKS?\b(?! PUPPET)|"
     r"\bPONCHO|\bRAINCOAT|\bSUNGLASSES|\bFAN\b|(?<!WASHING UP )(?<!OVEN )\bGLOVES?\b|\bSLIPPER"),
    # Cards, paper and wrap.
    ("Stationery & Cards", "Gift Wrap & Ribbons",
     r"\bWRAP\b|WRAPPING|\bRIBBONS?\b|GIFT TAGS?\b|\bTISSUE PAPER\b|\bGIFT BOX|\bCELLOPHANE|(?<!LUGGAGE )\bTAGS?\b|"
     r"\bBOW\b|RIBBON REEL"),
    ("Stationery & Cards", "Greeting Cards", r"\bCARDS?\b(?!.*\bHOLDER)|\bINVITES?\b|INVITATION|POSTCARD"),
    ("Stationery & Cards", "Notebooks & Paper",
     _words("NOTEBOOK", "NOTE BOOK", "NOTEPAD", "NOTE PAD", "SKETCHBOOK", "SKETCH BOOK", "JOURNAL", "DIARY", "DIARIES",
            "ADDRESS BOOK", "PHOTO ALBUM", "ALBUM", "SCRAPBOOK", "WRITING SET", "STATIONERY", "LETTER", "ENVELOPE",
            "PAPER", "MEMO", "BOOKCOVER", "BOOK COVER", "PASSPORT COVER", "CALENDAR", "PLANNER", "BOOKMARK", "POSTER",
            "BOOK")),
    ("Stationery & Cards", "Pens, Pencils & Craft Supplies",
     _words("PEN", "PENCIL", "HOLE PUNCH", "PENCILS", "CRAYON", "CHALK", "ERASER", "RUBBER", "SHARPENER", "RULER",
            "STICKER", "STAMP", "TAPE", "GLUE", "SCISSOR", "MARKER", "CRAFT", "FELTCRAFT", "KIT", "SEWING", "KNITTING",
            "EMBROIDERY", "BUTTON", "BLACKBOARD", "CHALKBOARD", "MAGNETIC BOARD", "MEMO BOARD", "PAINT", "PAINTING",
            "COLOURING", "STENCIL", "CLIPBOARD", "STAPLER", "PAPERWEIGHT", "P'WEIGHT")),
    # Kitchen and dining.
    ("Home & Kitchen", "Mugs & Cups",
     r"\bMUGS?\b|\bCUPS?\b(?!\s*CAKE)|\bBEAKERS?\b|\bSAUCERS?\b|TEACUP|\bTUMBLERS?\b|"
     r"\bGLASS(?:ES)?\b.*\b(?:CHAMPAGNE|WINE|DRINKING|SHOT)|\b(?:CHAMPAGNE|WINE|DRINKING|SHOT) GLASS|\bFLASK\b|"
     r"(?<!HOT )\bWATER BOTTLE\b"),
    ("Home & Kitchen", "Baking",
     r"CAKE CASES|BAKING|CAKE TIN|CAKE STAND|CAKESTAND|\bMOULD\b|CUTTERS?\b|CUPCAKE CASE|MUFFIN|\bICING\b|"
     r"\bROLLING PIN|PUDDING BOWL|\bPIE\b|BAKE|SCONE|CAKE SLICE|CAKE PLATE|CAKE DOME|CAKE TOWEL|CAKE SERVER|"
     r"CAKE FORKS|SWEETHEART CAKE"),
    ("Home & Kitchen", "Kitchen Linen",
     r"TEA TOWEL|WASHING UP|\bAPRON|OVEN GLOVE|OVEN MITT|TABLE ?CLOTH|TABLE RUN|\bNAPKINS?\b(?!.*\bPAPER)|"
     r"\bPLACEMATS?\b|PLACE MAT|TEA COSY|\bDISH ?CLOTH|CHAIR PAD|\bCUSHION PAD|SEAT PAD|\bPOT HOLDER"),
    ("Home & Kitchen", "Kitchen Storage",
     r"\bJARS?\b|\bTINS?\b|\bCANN?ISTER|\bJAM MAKING|STORAGE|\bCONTAINER|LUNCH ?BOX|SNACK BOX|\bPANTRY\b|"
     r"\bBREAD BIN|(?<!HOT WATER )\bBOTTLE\b|\bSPICE|\bBISCUIT|\bBIN\b|\bCADDY\b|TUPPERWARE|FOOD COVER"),
    ("Home & Kitchen", "Tableware",
     _words("PLATE", "BOWL", "DISH", "CUTLERY", "SPOON", "FORK", "KNIFE", "KNIVES", "TEASPOON", "COASTER", "TRAY",
            "JUG", "TEAPOT", "TEA POT", "CAKE FORK", "EGG CUP", "EGG WARMER", "CHOPSTICK", "SALT", "PEPPER", "CRUET",
            "TOAST RACK", "TOASTRACK", "FRUITBOWL", "SUGAR", "CREAMER", "MILK", "DECANTER", "CARAFE", "PITCHER",
            "SERVING", "PLATTER", "STRAW", "STRAWS", "NAPKIN", "DOILY", "DOILIES", "PAPER CUP", "PAPER PLATE", "LOLLY",
            "ICE LOLLY", "ICE CUBE", "BOTTLE STOPPER", "GLASS", "GLASSES", "GOBLET", "CHOPPING BOARD", "TRIVET")),
    ("Home & Kitchen", "Kitchen Accessories",
     _words("KITCHEN", "FRYING PAN", "PAN", "COLANDER", "SCALE", "TIMER", "STRAINER", "WHISK", "GRATER", "SIEVE",
            "SPATULA", "LADLE", "MEASURING", "OPENER", "CORKSCREW", "NUTCRACKER", "PEG", "SHOPPING LIST", "RECIPE",
            "MAGNET", "FRIDGE", "WASHING UP", "SPONGE", "SQUEEZER", "DRYING RACK", "EGG", "COFFEE", "TEA",
            "CHOCOLATE")),
    # Around the house.
    ("Home Decor", "Clocks", _words("CLOCK", "ALARM")),
    ("Home Decor", "Frames & Mirrors", _words("FRAME", "PHOTO", "PICTURE", "MIRROR", "MIRRORED")),
    ("Home Decor", "Signs & Wall Art",
     r"\bSIGN\b|\bSIGNS\b|\bPLAQUE|WALL ART|\bWALL\b|\bCANVAS|\bPRINT\b|\bTILE|\bNUMBER\b|\bLETTERS?\b|\bALPHABET|"
     r"\bBANNER|\bPENNANT"),
    ("Home Decor", "Cushions & Throws",
     _words("CUSHION", "SQUARECUSHION", "POUFFE", "THROW", "BLANKET", "QUILT", "BEDSPREAD", "PILLOW", "BOLSTER",
            "HOT WATER BOTTLE", "HOTTIE", "WARMER", "FILLER PAD", "CURTAIN", "PATCHWORK")),
    ("Home Decor", "Doorstops, Doormats & Hooks",
     _words("DOORSTOP", "DOOR STOP", "DRAWERKNOB", "DOORSIGN", "DOORMAT", "DOOR MAT", "MAT", "RUG", "HOOK", "HOOKS",
            "KNOB", "DRAWER KNOB", "DOOR HANGER", "COAT RACK", "KEY RING", "KEYRING", "HANGER", "DOOR", "KEY")),
    ("Home Decor", "Storage & Furniture",
     _words("BOX", "BOXES", "BASKET", "HAMPER", "CRATE", "DRAWER", "CABINET", "CHEST", "SHELF", "SHELVES", "CUPBOARD",
            "WARDROBE", "TABLE", "CHAIR", "STOOL", "STAND", "RACK", "TRUNK", "CASE", "TIDY", "ORGANISER", "HOLDER",
            "MAGAZINE RACK", "LUGGAGE TAG", "DRAWER LINER", "TRINKET")),
    ("Home Decor", "Ornaments & Decorations",
     _words("DECORATION", "ORNAMENT", "GARLAND", "WREATH", "HEART", "HEARTS", "STAR", "STARS", "MOBILE", "CHIME",
            "CHIMES", "WIND CHIME", "FLOWER", "FLOWERS", "BLOSSOM", "ROSE", "PEONY", "ORCHID", "HYDRANGEA", "FEATHER",
            "BIRD", "BUTTERFLY", "DOVE", "VASE", "SCULPTURE", "FIGURE", "STATUE", "BELL", "BELLS", "HANGING",
            "BIRDCAGE", "CHANDELIER", "DOLLY", "POMPOM", "HONEYCOMB", "PAPER BALL", "PAPER CHAIN", "FAN", "WALL ART",
            "CERAMIC", "PORCELAIN", "PAINTED", "DECORATIVE", "CRYSTAL", "PEARL", "GLITTER", "BAUBLE", "SHELL",
            "MUSHROOM", "TOADSTOOL", "BUDDHA", "DUCK", "ROSETTE", "GEISHA", "DEC", "DECO", "CAMPHOR WOOD", "FROG",
            "OWL", "HEN", "RABBIT")),
    # Garden.
    ("Garden & Outdoor", "Garden",
     _words("GARDEN", "GARDENER", "GARDENERS", "WATERING CAN", "PLANT", "PLANTER", "FLOWER POT", "POT", "POTS", "SEED",
            "SEEDS", "HERB", "HERBS", "TROWEL", "SHED", "GREENHOUSE", "BIRD FEEDER", "BIRDHOUSE", "BIRD HOUSE",
            "BIRD TABLE", "NESTING BOX", "DOVECOTE", "WINDMILL", "PINWHEEL", "PICNIC", "OUTDOOR", "HAMMOCK", "BBQ",
            "THERMOMETER", "SUNDIAL")),
    # Children.
    ("Toys & Games", "Soft Toys & Dolls",
     _words("SOFT TOY", "TEDDY", "BEAR", "DOLL", "DOLLS", "PUPPET", "PLUSH", "CUDDLY", "MONSTER", "RAG DOLL")),
    ("Toys & Games", "Games & Puzzles",
     _words("GAME", "GAMES", "PUZZLE", "JIGSAW", "DOMINOES", "DOMINO", "DICE", "PLAYING CARDS", "SNAKES", "LADDERS",
            "CHESS", "DRAUGHTS", "BINGO", "QUIZ", "MAGIC", "TRICK", "MARBLES", "YO-YO", "SKITTLES", "SNAP", "LUDO",
            "CARDS")),
    ("Toys & Games", "Toys",
     _words("TOY", "TOYS", "BALL", "BALLOON", "KITE", "SKIPPING ROPE", "SPINNING TOP", "RATTLE", "BUBBLES",
            "WATER PISTOL", "GUN", "CAR", "TRAIN", "ROCKET", "ROBOT", "SOLDIER", "DINOSAUR", "SPACEBOY",
            "BUILDING BLOCK", "BLOCKS", "TEA SET", "PLAY", "RADIO", "MASK", "WAND", "SWORD", "CROWN", "GLOBE",
            "TELESCOPE", "COMPASS", "MONEY BOX", "PIGGY BANK", "BANK", "HELICOPTER", "FLYING DISC", "PLAYHOUSE",
            "TATTOO", "CLAY", "ANIMAL", "CREEPY CRAWLIE", "INFLATABLE", "BADGE", "HEADPHONE", "GLIDER", "WHEELBARROW",
            "COOKING SET", "TOOL SET", "NAUGHTS", "NOUGHTS", "SPORTING", "SKIRT", "SOMBRERO", "SPACE CADET", "NINJA",
            "KNITTED")),
    ("Toys & Games", "Baby & Kids",
     _words("BABY", "CHILDRENS", "CHILDREN'S", "CHILDS", "CHILD'S", "KIDS", "KID'S", "BIB", "BOOTIES", "NURSERY",
            "CHILDHOOD")),
    ("Party", "Party Supplies",
     _words("PARTY", "BUNTING", "CONFETTI", "CAKE TOPPER", "CANDY", "SWEETS", "PINATA", "STREAMER", "BIRTHDAY",
            "CELEBRATION", "WEDDING", "HEN PARTY", "POPCORN", "CRACKER", "CRACKERS", "FLAG", "FLAGS")),
    # Bathroom and personal care.
    ("Bath & Beauty", "Bathroom",
     _words("BATHROOM", "BATH", "TOILET", "WASHROOM", "SOAP", "SOAPS", "TOWEL", "FLANNEL", "SHOWER", "TOOTHBRUSH",
            "TOOTH", "LAVENDER", "BATH SALTS", "SCRUB")),
    ("Bath & Beauty", "Beauty & Wellbeing",
     _words("BALM", "LIP", "LIPGLOSS", "NAIL", "MANICURE", "COMPACT", "MAKE UP", "MAKEUP", "COSMETIC", "PERFUME",
            "LOTION", "HAND CREAM", "TISSUE", "TISSUES", "PLASTERS", "FIRST AID", "PILL BOX", "PILLBOX", "SEWING KIT",
            "TRAVEL", "PASSPORT", "LUGGAGE", "SPECTACLE", "GLASSES CASE")),
    ("Home Decor", "Ornaments & Decorations",
     r"\b(?:VINTAGE|RETRO|ANTIQUE|WOODEN|METAL|ZINC|ENAMEL|GLASS|WICKER|FELT|FLOCK|IVORY|SILVER|GOLD|BEADS?|BEADED|"
     r"DIAMANTE|JEWEL(?:LED)?)\b"),
]

_COMPILED = [(department, aisle, re.compile(pattern)) for department, aisle, pattern in RULES]


def categorise(description: str) -> tuple[str, str]:
    """The ``(department, aisle)`` of a product from its description; never fails."""
    text = " ".join(str(description).upper().split())
    for department, aisle, pattern in _COMPILED:
        if pattern.search(text):
            return department, aisle
    return FALLBACK
