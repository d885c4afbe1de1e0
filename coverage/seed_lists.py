"""The lists of seed 004 (IOM leaflet, order 121/2020) in the leaflet's eight languages.

Text as printed in the leaflet; in the Tajik and Kyrgyz versions, letters the PDF extraction
displaced (ӣ, ҷ, ӯ, ң) are put back into their words. Order of every tuple:
kk, ru, ky, uz, tg, tk, az, hy.
"""

# (row, ICD-10 codes, names in the eight languages). ICD-10 mapping: DOMAIN.md, to be reviewed
# by an administrator in the admin.
DISEASES = [
    (
        1,
        "A36",
        (
            "Дифтерия",
            "Дифтерия",
            "Кептөөр",
            "Difteriya",
            "Гулӯзиндонак",
            "Täjihoraz",
            "Difteriya",
            "Դիֆթերիա",
        ),
    ),
    (2, "B05", ("Қызылша", "Корь", "Кызамык", "Qizamiq", "Сурхакон", "Gyzamak", "Qızılca", "Կարմրուկ")),
    (3, "B06", ("Қызамық", "Краснуха", "Кызылча", "Qizilcha", "Гулафшон", "Gyzylja", "Məxmərək", "Կարմրախտ")),
    (
        4,
        "A37",
        ("Көкжөтел", "Коклюш", "Көк жөтөл", "Ko‘kyo‘tal", "Кузоз", "Gökbogma", "Göy öskürək", "Կապույտ հազ"),
    ),
    (
        5,
        "A38",
        (
            "Жәншау",
            "Скарлатина",
            "Скарлатина",
            "Skarlatina",
            "Махмалак",
            "Hörezek",
            "Qırmızı qızdırma",
            "Քութեշ",
        ),
    ),
    (
        6,
        "B01",
        ("Желшешек", "Ветряная оспа", "Су чечек", "Suvchechak", "Нағзак", "Garamyk", "Suçiçəyi", "Ջրծաղիկ"),
    ),
    (
        7,
        "B26",
        (
            "Эпидемиялық паротит",
            "Эпидемический паротит",
            "Эпидемиялык паротит",
            "Epidemik parotit",
            "Паротити эпидемикӣ",
            "Epidemik hapgyrtma",
            "Parotit",
            "Համաճարակային պարոտիտ",
        ),
    ),
    (
        8,
        "A01.1–A01.4",
        (
            "А, В, С паратифтері",
            "Паратифы А, В, С",
            "А, В, С паратифтери",
            "А, В, С paratiflari",
            "Паратифҳои А, В, С",
            "A, B, С paratifleri",
            "Paratif A, B, C",
            "Պարատիֆ A, B, C",
        ),
    ),
    (
        9,
        "A80",
        (
            "Полиомиелит",
            "Полиомиелит",
            "Полиомиелит",
            "Poliomiyelit",
            "Полиомиелит",
            "Poliomielit",
            "Poliomielit",
            "Պոլիոմիելիտ",
        ),
    ),
    (
        10,
        "A39",
        (
            "Менингококтық жұқпа",
            "Менингококковая инфекция",
            "Менингококк инфекциясы",
            "Menigokok infeksiyasi",
            "Сирояти менингококкӣ",
            "Beýinçiş ýokanç keseli",
            "Meningokok infeksiyası",
            "Մենինգոկոկային վարակ",
        ),
    ),
    (11, "A00", ("Тырысқақ", "Холера", "Холера", "Vabo", "Вабо", "Gyrgyn", "Vəba", "Խոլերա")),
    (
        12,
        "A01.0",
        (
            "Іш сүзек",
            "Брюшной тиф",
            "Баш келте",
            "Qorin tifi",
            "Домана",
            "Garyn garahassalygy",
            "Tifo qızdırması",
            "Որովայնային տիֆ",
        ),
    ),
    (
        13,
        "A15–A19",
        (
            "Туберкулез (туберкулез микобактериясының болуына қақырық жағындысының екі есе "
            "конверсиясына жеткенге дейін бактерия бөлетін өкпе туберкулезі; туберкулездің жедел "
            "үдемелі түрлері (менингит, милиарлы туберкулез) науқастың өміріне қауіп төндірмейтін "
            "жағдайға жеткенге дейін және туберкулез микобактериясының болуына қақырық жағындысының "
            "екі есе конверсиясына жеткенге дейін)",
            "Туберкулез (легочный туберкулез с бактериовыделением до достижения двукратной конверсии "
            "мазка мокроты на наличие микобактерии туберкулеза; остро прогрессирующие формы "
            "туберкулеза (менингит, милиарный туберкулез) до достижения состояния, не представляющего "
            "угрозы для жизни больного и достижения двукратной конверсии мазка мокроты на наличие "
            "микобактерии туберкулеза)",
            "Кургак учук (кургак учуктун микобактериясынын болушуна какырыктын сыйпамынын кош "
            "конверсиясына жетишилгенге чейин бактерияны бөлүп чыгуу менен өпкө кургак учугу; кургак "
            "учуктун курч прогрессивдүү формалары (менингит, милиардуу кургак учук) бейтаптын өмүрүнө "
            "коркунуч туудурбаган абалга жеткенге чейин жана кургак учуктун микобактериясынын болушуна "
            "какырыктын сыйпамынын кош конверсиясына жетишүүгө чейин)",
            "Sil (sil mikobakteriyalari mavjudligiga balg‘am surtmasining ikki marta konversiyasiga "
            "erishilgunga qadar bakteriya ajratuvchi o‘pka sili; silning o‘tkir progressiv shakllari "
            "(meningit, miliar sil) bemorning hayotiga xavf tug‘dirmaydigan holatga kelgunga qadar va "
            "sil mikobakteriyalari mavjudligiga balg‘am surtmasining ikki marta konversiyasiga "
            "erishilgunga qadar)",
            "Бемории сил (сили шуш бо ихроҷи бактериявӣ то ба даст омадани табдили дукаратаи балғами "
            "луоб оиди мавҷудияти микобактерияи сил; шаклҳои шадиди инкишофёбандаи сил (менингит, "
            "сили милиарӣ) то дучор шудан ба ҳолате, ки ба ҳаёти бемор таҳдид намекунад ва табдили "
            "дукаратаи балғами луоб оиди мавҷудияти микобактерияи сил)",
            "Inçekesel (inçekeseliň barlygyna gakylygyň mazogynyň iki derejeli konwersiýasy gazanmaga "
            "çenli bakteriýa bölünmeli ýeňil inçekesel; hassanyň ömrüne howp salmaýan ýagdaýy "
            "gazanmaga (beýinçişi, miliar inçekeseli) we inçekeseliň mikrobakteriýasynyň barlygyna "
            "gakylygyň mazogynyň iki derejeli konwersiýasyny gazanmaga çenli inçekeseliň ýiti ösýän "
            "görnüşi)",
            "Vərəm (mikrobakteriya vərəminin olması üçün bəlğəm yaxmasının ikiqat çevrilməsinə nail "
            "olunana qədər bakterial ifrazat ilə ağciyər vərəmi; vərəmin kəskin mütərəqqi formaları "
            "(meningit, miliar vərəm) xəstənin həyatı üçün təhlükə yaratmayan vəziyyətə çatana qədər "
            "və mikobakteriya vərəminin olması üçün bəlğəm yaxmasının ikiqat çevrilməsinə nail "
            "olunana qədər)",
            "Տուբերկուլյոզ (թոքային տուբերկուլյոզ՝ բակտերիաների արտազատմամբ մինչև կրկնակի խարխային "
            "արտադրության փոխակերպումը տուբերկուլոզի միկոբակտերիայի առկայության դեպքում, "
            "տուբերկուլյոզի սուր սաստկացող ձևերը (մենինգիտ, միլիարային տուբերկուլյոզ) մինչև հիվանդի "
            "կյանքին վտանգ չներկայացնող վիճակի հասնելը և մինչև կրկնակի խարխային արտադրության "
            "փոխակերպումը տուբերկուլոզի միկոբակտերիայի առկայության դեպքում)",
        ),
    ),
    (
        14,
        "F00–F99",
        (
            "Психикалық, мінез-құлық бұзылулары (ауру)",
            "Психические, поведенические расстройства (заболевание)",
            "Психикалык, жүрүм-турумдагы бузулуулар (оору)",
            "Ruhiy, xulq-atvor buzilishi (kasallik)",
            "Вайроншавии ҳолати рӯҳӣ, вайроншавии рафторӣ (беморӣ)",
            "Psihiki, özüni alyp baryş bozulmalary (keselleri)",
            "Psixi, davranış pozğunluqları (xəstəliyi)",
            "Հոգեկան, վարքային խանգարումներ (հիվանդություններ)",
        ),
    ),
    (
        15,
        "A22.1",
        (
            "Түйнеменің өкпелік түрі",
            "Легочная форма сибирской язвы",
            "Өпкө формасындагы күйдүргү",
            "Kuydirgining o‘pka shakli",
            "Бемории сӯхтании шуш",
            "Garadalagyň ýeňil görnüşi",
            "Ağciyər qarışqası",
            "Սիբիրյան խոցի թոքային ձև",
        ),
    ),
    (16, "A20", ("Оба", "Чума", "Кара тумоо", "O‘lat", "Тоун", "Mergi", "Taun", "Ժանտախտ")),
    (
        17,
        "A98–A99",
        (
            "Вирустық геморрагиялық безгектер",
            "Вирусные геморрагические лихорадки",
            "Вирустук геморрагиялык калтыратма",
            "Virusli gemorragik bezgak",
            "Табларзаи ҳеморагии сироятӣ",
            "Wirus gemorragik gyzdyrma",
            "Viral hemorragik qızdırmalar",
            "Վիրուսային հեմոռագիկ տենդերը",
        ),
    ),
    (
        18,
        "A95",
        (
            "Сары безгек",
            "Желтая лихорадка",
            "Сары калтыратма",
            "Sariq bezgak",
            "Табларза",
            "Sary gyzdyrma",
            "Sarı qızdırma",
            "Դեղին տենդ",
        ),
    ),
    (
        19,
        "B15, B17.2",
        (
            "А. Е вирустық гепатиттері",
            "Вирусные гепатиты А, Е",
            "А, Е вирустук гепатиттери",
            "A, E virusli gepatiti",
            "Гепатити сироятии А, Е",
            "A, E wirus gepatitleri",
            "Viral hepatit A, E",
            "Վիրուսային հեպատիտ A, E",
        ),
    ),
    (20, "B50–B54", ("Безгек", "Малярия", "Безгек", "Bezgak", "Вараҷа", "Gyzzyrma", "Malyariya", "Մալարիա")),
    (
        21,
        "J09",
        (
            "Вирустың жаңа кіші түрімен туындайтын адам тұмауы",
            "Человеческий грипп, вызванный новым подтипом вируса",
            "Вирустун жаңы типчеси менен чакырылган адам сасык тумоосу",
            "Virusning yangi kichik turidan kelib chiqqan inson grippi",
            "Зукоми инсон, ки бо сабаби навъи нави вирус сар задааст",
            "Wirusyň täze kiçi görnüşi bilen ýüze çykan adam dümewi",
            "Virusun yeni bir alt növünün yaratdığı insan qripi",
            "Մարդու գրիպը, որն առաջացել է վիրուսի նոր ենթատեսակով",
        ),
    ),
    (
        22,
        "U04",
        (
            "Ауыр жіті респираторлық синдром (АЖРС)",
            "Тяжелый острый респираторный синдром (ТОРС)",
            "Оор курч респиратордук синдром (ОКРС)",
            "Og‘ir o‘tkir respiratorli sindrom (OO‘RS)",
            "Бемории вазнини шадиди роҳи нафас (БВШРН)",
            "Agyr ýiti respirator sindromy (AÝRS)",
            "Şiddətli kəskin respirator sindrom (SARS)",
            "Ծանր սուր շնչառական համախտանիշ (ԾՍՇՀ)",
        ),
    ),
    (
        23,
        "U07.1–U07.2",
        (
            "Коронавирустық инфекция",
            "Коронавирусная инфекция",
            "Коронавирустук инфекция",
            "Koronavirus infeksiyasi",
            "Бемории короновирус",
            "Koronowirus ýokanç keseli",
            "Koronavirus infeksiyası",
            "Կորոնավիրուսի վարակ",
        ),
    ),
]

# The volume table: (leaflet row, group, times, period kind, names). The leaflet numbers the 18
# rows 1, 2, 4…19 (there is no row 3; the Azerbaijani version numbers them 1–18).
# "Once in 6 months" is preloaded as a rolling six months; an administrator may switch it to
# calendar half-years.
Y, H = "calendar_year", "rolling_6_months"
C, L, IMG = "consultation", "laboratory", "imaging"
LIMITS = [
    (
        1,
        C,
        2,
        Y,
        (
            "Терапевт",
            "Терапевт",
            "Терапевт",
            "Terapevt",
            "Духтури бемориҳои дарунӣ",
            "Terapewt",
            "Terapevt",
            "Թերապևտ",
        ),
    ),
    (2, C, 1, Y, ("Педиатр", "Педиатр", "Педиатр", "Pediatr", "Педиатр", "Pediatr", "Pediatr", "Մանկաբույժ")),
    (4, C, 1, Y, ("Хирург", "Хирург", "Хирург", "Jarroh", "Хирург", "Hirurg", "Cərrah", "Վիրաբույժ")),
    (
        5,
        C,
        1,
        Y,
        (
            "Инфекционист",
            "Инфекционист",
            "Инфекционист",
            "Yuqumli kasalliklar bo‘yicha mutaxassis",
            "Сироятшинос",
            "Ýokanç keselleriň lukmany",
            "Yoluxucu xəstəliklər üzrə mütəxəssis",
            "Վարակաբան",
        ),
    ),
    (
        6,
        C,
        1,
        Y,
        (
            "Офтальмолог",
            "Офтальмолог",
            "Офтальмолог",
            "Oftalmolog",
            "Духтури чашм",
            "Oftalmolog",
            "Oftalmoloq",
            "Ակնաբույժ",
        ),
    ),
    (
        7,
        C,
        1,
        Y,
        (
            "Гастроэнтеролог",
            "Гастроэнтеролог",
            "Гастроэнтеролог",
            "Gastroenterolog",
            "Гастроэнтеролог",
            "Gastroenterolog",
            "Qastroenteroloq",
            "Գաստրոէնտերոլոգ",
        ),
    ),
    (
        8,
        C,
        1,
        Y,
        (
            "Оториноларинголог",
            "Оториноларинголог",
            "Оториноларинголог",
            "Otorinolaringolog",
            "Оториноларинголог",
            "Otorinolaringolog",
            "Otorinolarinqoloq",
            "Օտորինոլարինգոլոգ",
        ),
    ),
    (
        9,
        C,
        1,
        H,
        (
            "Пульмонолог",
            "Пульмонолог",
            "Пульмонолог",
            "Pulmonolog",
            "Пулмонолог",
            "Pulmonolog",
            "Pulmonoloq",
            "Թոքաբան",
        ),
    ),
    (
        10,
        C,
        1,
        H,
        ("Психиатр", "Психиатр", "Психиатр", "Psixiatr", "Писхиатр", "Psihiatr", "Psixiatr", "հոգեբույժ"),
    ),
    (
        11,
        C,
        1,
        H,
        (
            "Рентгенолог (рентгенограмманы 2 рет оқу)",
            "Рентгенолог (2 читка рентгенограммы)",
            "Рентгенолог (рентгенограмманы 2 жолу окуу)",
            "Rentgenolog (2 rentgenogrammani o‘qish)",
            "Рентгенолог (2 хониши рентгенограмма)",
            "Rentgenolog (rentgenogrammanyň 2 çitkasy)",
            "Rentgenoloq (2 rentgen oxunuşu)",
            "Ռադիոլոգ (2 ռենտգենյան ճառագայթների ընթերցում)",
        ),
    ),
    (
        12,
        L,
        1,
        Y,
        (
            "Шұғыл әдіспен қан сарысуындағы жалпы холестеринді анықтау",
            "Определение общего холестерина в сыворотке крови экспресс методом",
            "Кандын сары суусундагы жалпы холестеринди экспресс ыкма менен аныктоо",
            "Qon zardobidagi umumiy xolesterinni ekspress usuli bilan aniqlash",
            "Муайян кардани холестрини умумӣ дар зардоб тариқи усули экспресс",
            "Gyssagly usul bilen ganyň syworotkasynda umumy holesterini anyklamak",
            "Qan zərdabında ümumi xolesterinin ekspress üsulla təyini",
            "Արյան շիճուկում ընդհանուր խոլեստերինի որոշում էքսպրես մեթոդով",
        ),
    ),
    (
        13,
        L,
        1,
        Y,
        (
            "Шұғыл әдіспен қан сарысуындағы глюкозаны анықтау",
            "Определение глюкозы в сыворотке крови экспресс методом",
            "Кандын сары суусундагы глюкозаны экспресс ыкма менен аныктоо",
            "Qon zardobidagi glyukozani ekspress usuli bilan aniqlash",
            "Муайян кардани глюкоза дар зардоби хун тариқи усули экспресс",
            "Gyssagly usul bilen ganyň syworotkasynda glýukozany anyklamak",
            "Qan zərdabında qlükozanın ekspress üsulla təyini",
            "Արյան շիճուկում գլյուկոզայի որոշում էքսպրես մեթոդով",
        ),
    ),
    (
        14,
        L,
        1,
        Y,
        (
            "Жасушалардың 3 класын саралау арқылы талдағышта жалпы қан талдауы",
            "Общий анализ крови на анализаторе с дифференцировкой 3 классов клеток",
            "Клеткалардын 3 классын дифференцировкалоо менен анализатордогу кандын жалпы талдоосу",
            "3 ta hujayra sinfi differentsiatsiyasi bilan analizatorda umumiy qon tahlili",
            "Таҳлили умумии хун дар таҳлилкунанда бо тақсимкунӣ ба 3 синфи ҳуҷайраҳо",
            "Öýjükleriň 3 synpyny differensirlemek bilen derňeýjide ganyň umumy derňewi",
            "3 sinif hüceyrələrin fərqləndirilməsi ilə analizatorda ümumi qan testi",
            "Արյան ընդհանուր անալիզ անալիզատորի կիրառամաբ՝ 3-րդ դասի բջիջների տարբերակմամբ",
        ),
    ),
    (
        15,
        L,
        1,
        Y,
        (
            "Қол әдісімен несепті жалпы клиникалық зерттеу (жалпы несеп талдауы)",
            "Исследование мочи общеклиническое (общий анализ мочи) ручным методом",
            "Зараны жалпы клиникалык изилдөө (сийдиктин жалпы талдоосу) кол ыкмасы менен",
            "Siydikni umumiy klinik tekshirish (umumiy siydik tahlili) qo‘l usul bilan",
            "Таҳлили умумии клиникии пешоб (таҳлили умумии пешоб) бо усули дастӣ",
            "El usuly bilen umumy hassahana peşew barlagy (peşewiň umumy derňewi)",
            "Sidiyin əl metodu ilə ümumi klinik müayinəsi (ümumi sidik analizi)",
            "Ընդհանուր կլինիկական մեզի հետազոտություն (մեզի ընդհանուր անալիզ) մեխանիկական մեթոդով",
        ),
    ),
    (
        16,
        L,
        1,
        Y,
        (
            "БК-да қол әдісімен қақырықтың бактериоскопиясы",
            "Бактериоскопия мокроты на БК ручным методом",
            "Какырыктын БК бактериоскопиясы кол ыкмасы менен",
            "BK uchun balg‘am bakterioskopiyasi qo‘l usuli bilan",
            "Бактериоскопияи луоб барои БС тариқи дастӣ",
            "El usuly bilen BK gakylygyň bakterioskopiýasy",
            "Bəlğəmin əl metodu ilə CD manuel bakterioskopiyası",
            "Թոքի բակտերիոսկոպիա ԲԿ-ի դեպքում մեխանիկական մեթոդով",
        ),
    ),
    (
        17,
        IMG,
        1,
        Y,
        (
            "Кешенді ультрадыбыстық диагностика (бауыр, өт қабы, ұйқы безі, көкбауыр, бүйрек)",
            "Ультразвуковая диагностика комплексная (печень, желчный пузырь, поджелудочная железа, "
            "селезенка, почек)",
            "Комплекстүү ультра-тыбыштуу диагноздоо (боор, өт, карын астындагы без, көк боор, бөйрөк)",
            "Kompleks ultratovush diagnostikasi (jigar, o‘t pufagi, oshqozon osti bezi, taloq, buyraklar)",
            "Ташхиси ултрасадоии маҷмӯавӣ (ҷигар, талхадон, ғадуди зери меъда, испурҷ, гурдаҳо)",
            "Toplumlaýyn ultrases anyklamasy (bagyr, öd halta, aşgazanasty mäz, dalak, böwrekler)",
            "Kompleksli ultrasəs diaqnostikası (qaraciyər, öd kisəsi, mədəaltı vəzi, dalaq, böyrəklər)",
            "Ուլտրաձայնային համապարփակ ախտորոշում (լյարդ, լեղապարկ, ենթաստամոքսային գեղձ, փայծաղ, երիկամ)",
        ),
    ),
    (
        18,
        IMG,
        1,
        H,
        (
            "Кеуде қуысын шолу рентгенографиясы (1-проекция)",
            "Рентгенография обзорная органов грудной клетки (1 проекция)",
            "Көкүрөк органдарынын обзордук рентгенографиясы (1 проекция)",
            "Ko‘krak qafasi rentgenografiyasi (1 ta proyeksiya)",
            "Рентгенографияи узвҳои сандуқи сина (1 намо)",
            "Döş öýjüginiň beden agzalarynyň giňişleýin rentgenografiýasy (1 proeksiýa)",
            "Döş qəfəsi orqanlarının rentgenoqrafiyası (1 proyeksiya)",
            "Կրծքավանդակի օրգանների ընդհանուր ռադիոգրաֆիա (1 պրոեկցիա)",
        ),
    ),
    (
        19,
        IMG,
        1,
        Y,
        (
            "Электроэнцефалография",
            "Электроэнцефалография",
            "Электроэнцефалография",
            "Elektroensefalografiya",
            "Электроэнсефалография",
            "Elektroensefalografiýa",
            "Elektroensefaloqrafiya",
            "Էլեկտրաուղեղագրություն",
        ),
    ),
]

# Leaflet headings (seed 004), by language.
LEAFLET_TITLES = {
    "diseases": {
        "kk": "Шетел азаматтары және азаматтығы жоқ адамдар, Қазақстан Республикасына уақытша келетін "
        "адамдар, баспана іздейтін адамдар ҚР Денсаулық сақтау министрінің 9.10.2020 ж. №121/2020 "
        "бұйрығына сәйкес тегін медициналық көмектің кепілдікті көлемін алуға құқығы бар, қоршаған "
        "адамдарға қауіп төндіретін аурулар тізбесі",
        "ru": "Перечень заболеваний, представляющий опасность для окружающих, при которых иностранцы и "
        "лица без гражданства, временно пребывающие в Республику Казахстан, лица, ищущие убежище, "
        "имеют право на получение гарантированного объема бесплатной медицинской помощи согласно "
        "приказа Министра здравоохранения РК от 9.10.2020 г. №121/2020",
        "ky": "Казакстан Республикасында убактылуу жүргөн чет элдиктер жана жарандыгы жок адамдар, "
        "башпаанек издегендер Казакстан Республикасынын Саламаттык сактоо министринин "
        "9.10.2020-жылдагы №121/2020-буйругуна ылайык акысыз медициналык жардамдын кепилденген "
        "көлөмүн алууга укуктуу болгон башкаларга коркунуч туудурган оорулардын тизмеси",
        "uz": "Qozog‘iston Respublikasiga vaqtincha kelgan chet elliklar va fuqaroligi bo‘lmagan "
        "shaxslar, boshpana izlovchi shaxslar, Qozog‘iston Respublikasi sog‘liqni saqlash Vazirining "
        "2020 yil 9 oktyabrdagi 121/2020-sonli buyrug‘iga binoan bepul tibbiy yordamning "
        "kafolatlangan miqdorini olish huquqiga ega bo‘lgan boshqalar uchun xavfli bo‘lgan "
        "kasalliklar ro‘yxati",
        "tg": "Номгӯи бемориҳое, ки барои атрофиён хатар доранд, ки ҳангоми он шаҳрвандони хориҷӣ ва "
        "шахсони бешаҳрвандӣ, ки муваққатан дар Ҷумҳурии Қазоқистон қарор доранд, паноҳҷӯён тибқи "
        "фармони Вазири тандурустии Ҷумҳурии Қазоқистон ба гирифтани ҳаҷми кафолатноки ёрии тиббии "
        "ройгони Ҷумҳурии Қазоқистон аз 9 октябри соли 2020 № 121/2020 ҳуқуқ доранд",
        "tk": "Gazagystan Respublikasyna wagtlaýyn gelen daşary ýurtlylaryň we raýatlygy bolmadyk "
        "taraplaryň, gaçybatalga gözleýän taraplaryň 9.10.2020 ýyldan GR Saglygy goraýyş "
        "ministrliginiň 121/2020 belgili buýrugyna laýyklykda mugt lukmançylyk ýardamyň "
        "kepillendirilendirilen göwrümini almaga hukugy bolan ýagdaýynda töwerekdäkiler üçin howp "
        "salýan keselleriň sanawy",
        "az": "Başqaları üçün təhlükə yaradan xəstəliklərin, hansıların ki yayılması zamanı Qazaxıstan "
        "Respublikasında müvəqqəti olan əcnəbilər və vətəndaşlığı olmayan şəxslər, sığınacaq axtaran "
        "şəxslər Qazaxıstan Respublikası Səhiyyə Nazirinin 9 oktyabr 2020-ci il tarixli 121/2020 "
        "nömrəli əmrinə uyğun olaraq pulsuz tibbi xidmətin zəmanətli həcmini almaq hüququna "
        "malikdirlər, siyahısı",
        "hy": "Ուրիշների համար վտանգ ներկայացնող հիվանդությունների ցանկը, որի դեպքում Ղազախստանի "
        "Հանրապետությունում ժամանակավորապես բնակվող օտարերկրացիները և քաղաքացիություն չունեցող "
        "անձինք, ապաստան հայցողներն իրավունք ունեն ստանալ երաշխավորված ծավալով անվճար բժշկական "
        "օգնություն՝ համաձայն Ղազախստանի Հանրապետության առողջապահության նախարարի 9.10.2020 թ․-ի "
        "№ 121/2020 հրամանի",
    },
    "volume": {
        "kk": "Шетел азаматтары және азаматтығы жоқ адамдар, Қазақстан Республикасына уақытша келетін "
        "адамдар, баспана іздейтін адамдар тегін медициналық көмектің кепілдікті көлемін алуға "
        "құқығы бар медициналық көмек көлемі",
        "ru": "Объем медицинской помощи, при которых иностранцы и лица без гражданства, временно "
        "пребывающие в Республике Казахстан, лица, ищущие убежище, имеют право на получение "
        "гарантированного объема бесплатной медицинской помощи",
        "ky": "Казакстан Республикасында убактылуу жүргөн чет элдиктер жана жарандыгы жок адамдар, "
        "башпаанек издегендер акысыз медициналык жардамдын кепилденген көлөмүн алууга укуктуу "
        "болгон медициналык жардамдын көлөмү",
        "uz": "Qozog‘iston Respublikasiga vaqtincha kelgan chet elliklar va fuqaroligi bo‘lmagan "
        "shaxslar, boshpana izlovchi shaxslar kafolatlangan miqdordagi bepul tibbiy yordam olish "
        "huquqiga ega bo‘lgan tibbiy yordam miqdori",
        "tg": "Ҳаҷми ёрии тиббие, ки дар он шаҳрвандони хориҷӣ ва шахсони бешаҳрвандӣ, ки дар Ҷумҳурии "
        "Қазоқистон муваққатан қарор доранд, паноҳҷӯён ба гирифтани ҳаҷми кафолатноки ёрии тиббии "
        "ройгон ҳуқуқ доранд",
        "tk": "Gazagystan Respublikasyna wagtlaýyn gelen daşary ýurtlylaryň we raýatlygy bolmadyk "
        "taraplaryň, gaçybatalga gözleýän taraplaryň mugt lukmançylyk ýardamyň "
        "kepillendirilendirilen göwrümini almaga hukugy bolan lukmançylyk ýardamyň göwrümi",
        "az": "Qazaxıstan Respublikasında müvəqqəti olan əcnəbilərin və vətəndaşlığı olmayan şəxslərin, "
        "sığınacaq axtaran şəxslərin pulsuz tibbi xidmətin zəmanətli həcmini almaq hüququna malik "
        "olduğu tibbi xidmətin həcmi",
        "hy": "Բժշկական օգնության ծավալը, որի դեպքում Ղազախստանի Հանրապետությունում ժամանակավորապես "
        "բնակվող օտարերկրացիները և քաղաքացիություն չունեցող անձինք, ապաստան հայցողներն իրավունք "
        "ունեն ստանալ երաշխավորված ծավալով անվճար բժշկական օգնություն",
    },
    # Frequencies as the leaflet writes them; {count} is the number of times from the limit row.
    "per_year": {
        "kk": "Жылына {count} рет",
        "ru": "{count} раз(а) в год",
        "ky": "Жылына {count} жолу",
        "uz": "yiliga {count} marta",
        "tg": "{count} маротиба дар як сол",
        "tk": "Ýylda {count} gezek",
        "az": "İldə {count} dəfə",
        "hy": "Տարին {count} անգամ",
    },
    "per_6_months": {
        "kk": "6 айда {count} рет",
        "ru": "{count} раз(а) в 6 месяцев",
        "ky": "6 айда {count} жолу",
        "uz": "6 oyda {count} marta",
        "tg": "{count} маротиба дар 6 моҳ",
        "tk": "6 aýdan {count} gezek",
        "az": "6 ayda {count} dəfə",
        "hy": "6 ամիսը {count} անգամ",
    },
}
