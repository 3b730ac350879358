"""Word lists of the name normaliser: legal forms, abbreviations, number words, a Chinese glossary.

The lists are general vocabulary of company and person names, not taken from any screening list.
"""

from __future__ import annotations

# Legal forms, already in canonical (abbreviated) spelling; ``ABBREVIATIONS`` maps long forms here.
LEGAL_FORMS = frozenset(
    """co ltd corp inc llc plc gmbh ag sa sas sarl spa srl bv nv kg kgaa ohg llp lp lllp pte pvt pty
    sdn bhd jsc ojsc cjsc pjsc ooo oao zao pao ao tov pp ip fzco fze fzc dmcc wll kft zrt sro as oy ab
    asa aps bvba sl sae scc ltda eireli cia mbh ug ek se ulc lc pc pllc psc tic kk yk gk group holding"""
    .split()
)

# Multi-word legal forms, matched on folded tokens before the per-token map.
LEGAL_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (tuple(k.split()), tuple(v.split()))
    for k, v in (
        ("public joint stock company", "pjsc"),
        ("open joint stock company", "ojsc"),
        ("closed joint stock company", "cjsc"),
        ("joint stock company", "jsc"),
        ("limited liability company", "llc"),
        ("limited liability partnership", "llp"),
        ("limited partnership", "lp"),
        ("public limited company", "plc"),
        ("private limited", "pvt ltd"),
        ("proprietary limited", "pty ltd"),
        ("societe anonyme", "sa"),
        ("sociedad anonima", "sa"),
        ("aktsionernoe obshchestvo", "jsc"),
        ("publichnoe aktsionernoe obshchestvo", "pjsc"),
        ("otkrytoe aktsionernoe obshchestvo", "ojsc"),
        ("zakrytoe aktsionernoe obshchestvo", "cjsc"),
        ("obshchestvo s ogranichennoi otvetstvennostyu", "llc"),
        ("obshchestvo s ogranichennoy otvetstvennostyu", "llc"),
        ("obshchestvo s ogranichennoi otvetstvennostiu", "llc"),
        ("gesellschaft mit beschrankter haftung", "gmbh"),
        ("sendirian berhad", "sdn bhd"),
        ("incorporated company", "inc"),
    )
)

# Spelling variants and abbreviations -> one canonical token (values are fixed points).
ABBREVIATIONS: dict[str, str] = {
    "company": "co",
    "compagnie": "co",
    "compania": "co",
    "companhia": "co",
    "cos": "co",
    "limited": "ltd",
    "ltda": "ltd",
    "corporation": "corp",
    "corpn": "corp",
    "incorporated": "inc",
    "aktiengesellschaft": "ag",
    "kommanditgesellschaft": "kg",
    "obshchestvo": "llc",
    # Russian and Ukrainian legal forms -> their English equivalents
    "ooo": "llc",
    "tov": "llc",
    "oao": "ojsc",
    "zao": "cjsc",
    "pao": "pjsc",
    "ao": "jsc",
    "incorporation": "inc",
    "grp": "group",
    "hldg": "holding",
    "hldgs": "holding",
    "holdings": "holding",
    "intl": "international",
    "int": "international",
    "internat": "international",
    "comm": "communication",
    "comms": "communication",
    "communications": "communication",
    "telecom": "telecommunication",
    "telecommunications": "telecommunication",
    "tech": "technology",
    "techn": "technology",
    "technologies": "technology",
    "technological": "technology",
    "mfg": "manufacturing",
    "manuf": "manufacturing",
    "manufacture": "manufacturing",
    "ind": "industry",
    "inds": "industry",
    "indus": "industry",
    "industries": "industry",
    "industrial": "industry",
    "natl": "national",
    "univ": "university",
    "inst": "institute",
    "eng": "engineering",
    "engg": "engineering",
    "elec": "electronic",
    "electronics": "electronic",
    "equip": "equipment",
    "svc": "service",
    "svcs": "service",
    "serv": "service",
    "dev": "development",
    "devt": "development",
    "assn": "association",
    "assoc": "association",
    "dept": "department",
    "govt": "government",
    "mgmt": "management",
    "mgt": "management",
    "invest": "investment",
    "bros": "brothers",
    "trdg": "trading",
    "imp": "import",
    "exp": "export",
    "sci": "science",
    "res": "research",
    "mach": "machinery",
    "chem": "chemical",
    "pharm": "pharmaceutical",
    "pharma": "pharmaceutical",
    "enterprises": "enterprise",
    "ent": "enterprise",
    "ctr": "center",
    "centre": "center",
    "st": "saint",
    "mt": "mount",
    "mohammed": "muhammad",
    "mohammad": "muhammad",
    "mohamed": "muhammad",
    "mohamad": "muhammad",
    "muhammed": "muhammad",
    "mohd": "muhammad",
    "muhamad": "muhammad",
    # Chinese company-name words often abbreviated in shipping data
    "tex": "textile",
    "garm": "garment",
    "prod": "product",
    "prods": "product",
}

# Words that carry almost no identifying weight on their own.
STOPWORDS = frozenset(
    """the of and for de del la le les el al du des da do dos das di van von der den und et y e
    in on at to a an by""".split()
)

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}

ORDINAL_WORDS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "hundredth": 100,
}

# Chinese business and place words with their usual English rendering in company names. Everything
# else in a Chinese name is carried by its pinyin (place names, trade names).
CHINESE_GLOSSARY: dict[str, str] = {
    "股份有限公司": " co ltd ",
    "有限责任公司": " co ltd ",
    "有限公司": " co ltd ",
    "责任公司": " co ",
    "公司": " co ",
    "集团": " group ",
    "控股": " holding ",
    "股份": " shares ",
    "会社": " co ",
    "信息技术": " information technology ",
    "信息": " information ",
    "技术": " technology ",
    "科技": " technology ",
    "通信": " communication ",
    "通讯": " communication ",
    "电子": " electronic ",
    "电器": " electric appliance ",
    "电力": " power ",
    "电气": " electric ",
    "光电": " optoelectronic ",
    "半导体": " semiconductor ",
    "软件": " software ",
    "网络": " network ",
    "纺织": " textile ",
    "服装": " garment ",
    "服饰": " apparel ",
    "制衣": " garment ",
    "棉麻": " cotton and linen ",
    "棉业": " cotton ",
    "发制品": " hair product ",
    "贸易": " trading ",
    "商贸": " trade and business ",
    "国际": " international ",
    "实业": " industry ",
    "工业": " industry ",
    "产业": " industry ",
    "发展": " development ",
    "投资": " investment ",
    "制造": " manufacturing ",
    "设备": " equipment ",
    "机械": " machinery ",
    "化工": " chemical ",
    "化学": " chemical ",
    "材料": " material ",
    "新材料": " new material ",
    "能源": " energy ",
    "新能源": " new energy ",
    "光伏": " photovoltaic ",
    "多晶硅": " polysilicon ",
    "硅业": " silicon industry ",
    "医药": " pharmaceutical ",
    "生物": " biological ",
    "航空": " aviation ",
    "航天": " aerospace ",
    "船务": " shipping ",
    "海运": " shipping ",
    "航运": " shipping ",
    "物流": " logistics ",
    "进出口": " import export ",
    "银行": " bank ",
    "大学": " university ",
    "研究所": " research institute ",
    "研究院": " research institute ",
    "学院": " academy ",
    "企业": " enterprise ",
    "工厂": " factory ",
    "建设": " construction ",
    "兵团": " corps ",
    "生产": " production ",
    "职业技能教育培训中心": " vocational skills education training center ",
    "中心": " center ",
    "工业园": " industrial park ",
    "园区": " park ",
    "联合": " united ",
    "机械贸易": " machinery trading ",
    "香港": " hong kong ",
    "中国": " china ",
    "县": " county ",
    "市": " city ",
    "省": " province ",
    "自治区": " autonomous region ",
    "维吾尔": " uyghur ",
}

# Descriptive words of company names: they count, but far less than a trade name.
GENERIC_WORDS = frozenset(
    """information technology trading trade industry international development investment science
    scientific engineering manufacturing electronic electric equipment material service product import
    export bank shipping logistics research institute center enterprise general national state united
    global commercial business management consulting system solution network software energy power
    chemical machinery construction marine aviation aerospace transport transportation new world
    university academy factory plant communication telecommunication textile garment apparel industrial
    park office bureau agency foundation organization association committee office overseas supply
    resource petroleum oil gas mining metal steel precision instrument automation optical optoelectronic
    semiconductor import export agricultural food medical pharmaceutical biological trust finance
    financial insurance capital fund partner venture real estate property shares sciences""".split()
)

# Countries, regions and the Chinese provinces and large cities that open most Chinese company names.
PLACE_WORDS = frozenset(
    """china chinese iran iranian russia russian korea korean syria syrian iraq iraqi cuba venezuela
    belarus ukraine turkey uae dubai emirates hong kong macau taiwan singapore malaysia india pakistan
    afghanistan lebanon yemen sudan libya america american europe european asia asian pacific middle east
    beijing shanghai tianjin chongqing guangzhou shenzhen hefei xinjiang urumqi wuhan nanjing hangzhou
    xian chengdu shenyang dalian qingdao xiamen ningbo suzhou wuxi changsha zhengzhou jinan harbin
    changchun kunming fuzhou nanchang taiyuan shijiazhuang lanzhou xining yinchuan hohhot nanning guiyang
    haikou lhasa anhui jiangsu zhejiang guangdong fujian shandong henan hebei hubei hunan sichuan yunnan
    guizhou shaanxi shanxi gansu qinghai liaoning jilin heilongjiang jiangxi hainan tibet ningxia
    guangxi mongolia dongguan foshan zhuhai baoding hetian hotan kashgar aksu changji shihezi turpan
    korla yili moscow tehran damascus pyongyang caracas minsk""".split()
)
