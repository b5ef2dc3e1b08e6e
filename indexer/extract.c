/* extract.c - sitrep_extract(): tokenising one text, the lexicon, and the
 * JSON result.  The passes that find places and persons are in
 * extract-places.c and extract-persons.c; dates come from datex.c.
 *
 * Tokens are runs of letters and digits (any script) with inner apostrophes
 * ("Ma'la"); hyphens split words but are remembered, so "al-Assad" and
 * "Ivano-Frankivsk" can be matched as spans while "Kharkiv-based" still
 * yields "Kharkiv".  Bytes that are not valid UTF-8 separate words.  Offsets
 * are 32-bit: a text longer than 4 GiB - 1 is only read that far.
 */
#include "extract.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "extract-private.h"
#include "text.h"

/* Sorted by word (strcmp order) for bsearch; generated from word lists by
 * category and checked at review, not at run time. */
const struct ex_lexeme ex_lexicon[] = {
    {"a", LX_STOP, ""},
    {"abc", LX_ORG, ""},
    {"abu", LX_PARTICLE, ""},
    {"according", LX_SPEECH_BEFORE | LX_STOP, ""},
    {"accused", LX_SPEECH_AFTER, ""},
    {"acknowledged", LX_SPEECH_AFTER, ""},
    {"across", LX_LOCATIVE, ""},
    {"acting", LX_TITLE, ""},
    {"activist", LX_TITLE, ""},
    {"ad", LX_PARTICLE, ""},
    {"added", LX_SPEECH_AFTER, ""},
    {"adm", LX_TITLE, ""},
    {"administration", LX_ORG, ""},
    {"admiral", LX_TITLE, ""},
    {"admitted", LX_SPEECH_AFTER, ""},
    {"advertisement", LX_STOP, ""},
    {"affairs", LX_ORG, ""},
    {"afghan", LX_DEMONYM, "AF"},
    {"afghans", LX_DEMONYM, "AF"},
    {"afp", LX_ORG, ""},
    {"after", LX_STOP, ""},
    {"agency", LX_ORG, ""},
    {"ahrar", LX_ORG, ""},
    {"aid", LX_STOP, ""},
    {"ain", LX_GEO, ""},
    {"air", LX_ORG, ""},
    {"airline", LX_ORG, ""},
    {"airlines", LX_ORG, ""},
    {"airport", LX_ORG, ""},
    {"airways", LX_ORG, ""},
    {"al", LX_PARTICLE, ""},
    {"alawite", LX_STOP, ""},
    {"albanian", LX_DEMONYM, "AL"},
    {"algerian", LX_DEMONYM, "DZ"},
    {"aljazeera", LX_ORG, ""},
    {"all", LX_STOP, ""},
    {"allah", LX_STOP, ""},
    {"alliance", LX_ORG, ""},
    {"also", LX_STOP, ""},
    {"although", LX_STOP, ""},
    {"am", LX_STOP, ""},
    {"ambassador", LX_TITLE, ""},
    {"american", LX_DEMONYM, "US"},
    {"americans", LX_DEMONYM, "US"},
    {"amnesty", LX_ORG, ""},
    {"an", LX_PARTICLE | LX_STOP, ""},
    {"analysis", LX_STOP, ""},
    {"analyst", LX_TITLE, ""},
    {"and", LX_STOP, ""},
    {"announced", LX_SPEECH_AFTER, ""},
    {"another", LX_STOP, ""},
    {"ansar", LX_ORG, ""},
    {"any", LX_STOP, ""},
    {"ap", LX_ORG, ""},
    {"apple", LX_ORG, ""},
    {"apr", LX_STOP, ""},
    {"april", LX_STOP, ""},
    {"ar", LX_PARTICLE, ""},
    {"arab", LX_STOP, ""},
    {"arabic", LX_STOP, ""},
    {"arabs", LX_STOP, ""},
    {"archbishop", LX_TITLE, ""},
    {"are", LX_STOP, ""},
    {"area", LX_STOP, ""},
    {"argued", LX_SPEECH_AFTER, ""},
    {"armenian", LX_DEMONYM, "AM"},
    {"armenians", LX_DEMONYM, "AM"},
    {"army", LX_ORG | LX_STOP, ""},
    {"around", LX_LOCATIVE, ""},
    {"as", LX_PARTICLE | LX_STOP, ""},
    {"ash", LX_PARTICLE, ""},
    {"asharq", LX_ORG, ""},
    {"asked", LX_SPEECH_AFTER | LX_SPEECH_BEFORE, ""},
    {"assembly", LX_ORG, ""},
    {"association", LX_ORG, ""},
    {"at", LX_LOCATIVE | LX_PARTICLE | LX_STOP, ""},
    {"attorney", LX_TITLE, ""},
    {"aug", LX_STOP, ""},
    {"august", LX_STOP, ""},
    {"australian", LX_DEMONYM, "AU"},
    {"austrian", LX_DEMONYM, "AT"},
    {"authorities", LX_ORG, ""},
    {"authority", LX_ORG, ""},
    {"autumn", LX_STOP, ""},
    {"awsat", LX_ORG, ""},
    {"ayatollah", LX_TITLE, ""},
    {"ayn", LX_GEO, ""},
    {"az", LX_PARTICLE, ""},
    {"azerbaijani", LX_DEMONYM, "AZ"},
    {"azeri", LX_DEMONYM, "AZ"},
    {"bab", LX_GEO, ""},
    {"bad", LX_STOP, ""},
    {"bahraini", LX_DEMONYM, "BH"},
    {"bangladeshi", LX_DEMONYM, "BD"},
    {"bank", LX_ORG, ""},
    {"bar", LX_STOP, ""},
    {"base", LX_ORG, ""},
    {"basic", LX_STOP, ""},
    {"bath", LX_STOP, ""},
    {"battalion", LX_ORG, ""},
    {"bay", LX_GEO, ""},
    {"bayt", LX_GEO, ""},
    {"bbc", LX_ORG, ""},
    {"be", LX_STOP, ""},
    {"because", LX_STOP, ""},
    {"been", LX_STOP, ""},
    {"before", LX_STOP, ""},
    {"being", LX_STOP, ""},
    {"beit", LX_GEO, ""},
    {"belarusian", LX_DEMONYM, "BY"},
    {"belarusians", LX_DEMONYM, "BY"},
    {"belgian", LX_DEMONYM, "BE"},
    {"believes", LX_SPEECH_AFTER, ""},
    {"ben", LX_PARTICLE, ""},
    {"big", LX_STOP, ""},
    {"billion", LX_STOP, ""},
    {"bin", LX_PARTICLE, ""},
    {"bint", LX_PARTICLE, ""},
    {"bir", LX_GEO, ""},
    {"bishop", LX_TITLE, ""},
    {"black", LX_ORG, ""},
    {"blue", LX_ORG, ""},
    {"border", LX_STOP, ""},
    {"borders", LX_ORG, ""},
    {"bosnian", LX_DEMONYM, "BA"},
    {"both", LX_STOP, ""},
    {"brazilian", LX_DEMONYM, "BR"},
    {"breaking", LX_STOP, ""},
    {"bridge", LX_ORG, ""},
    {"brigade", LX_ORG, ""},
    {"brigades", LX_ORG, ""},
    {"brigadier", LX_TITLE, ""},
    {"british", LX_DEMONYM, "GB"},
    {"bulgarian", LX_DEMONYM, "BG"},
    {"burmese", LX_DEMONYM, "MM"},
    {"but", LX_STOP, ""},
    {"by", LX_STOP, ""},
    {"cabinet", LX_ORG, ""},
    {"called", LX_SPEECH_AFTER, ""},
    {"camp", LX_ORG, ""},
    {"can", LX_STOP, ""},
    {"canadian", LX_DEMONYM, "CA"},
    {"canal", LX_GEO, ""},
    {"capital", LX_STOP, ""},
    {"capt", LX_TITLE, ""},
    {"captain", LX_TITLE, ""},
    {"caption", LX_STOP, ""},
    {"cardinal", LX_TITLE, ""},
    {"cbs", LX_ORG, ""},
    {"center", LX_ORG, ""},
    {"central", LX_STOP, ""},
    {"centre", LX_ORG, ""},
    {"ceo", LX_TITLE, ""},
    {"chair", LX_TITLE, ""},
    {"chairman", LX_TITLE, ""},
    {"chairwoman", LX_TITLE, ""},
    {"chancellor", LX_TITLE, ""},
    {"channel", LX_ORG, ""},
    {"chechen", LX_DEMONYM, "RU"},
    {"chechens", LX_DEMONYM, "RU"},
    {"chief", LX_TITLE, ""},
    {"children", LX_STOP, ""},
    {"chinese", LX_DEMONYM, "CN"},
    {"christian", LX_STOP, ""},
    {"christians", LX_STOP, ""},
    {"christmas", LX_STOP, ""},
    {"church", LX_ORG, ""},
    {"city", LX_STOP, ""},
    {"civilians", LX_STOP, ""},
    {"claimed", LX_SPEECH_AFTER, ""},
    {"cleric", LX_TITLE, ""},
    {"close", LX_STOP, ""},
    {"club", LX_ORG, ""},
    {"cnn", LX_ORG, ""},
    {"coalition", LX_ORG, ""},
    {"col", LX_TITLE, ""},
    {"college", LX_ORG, ""},
    {"colombian", LX_DEMONYM, "CO"},
    {"colonel", LX_TITLE, ""},
    {"command", LX_ORG, ""},
    {"commander", LX_TITLE, ""},
    {"comment", LX_STOP, ""},
    {"comments", LX_STOP, ""},
    {"commission", LX_ORG, ""},
    {"commissioner", LX_TITLE, ""},
    {"committee", LX_ORG, ""},
    {"company", LX_ORG, ""},
    {"condemned", LX_SPEECH_AFTER, ""},
    {"conference", LX_ORG, ""},
    {"confirmed", LX_SPEECH_AFTER, ""},
    {"congolese", LX_DEMONYM, "CD"},
    {"congress", LX_ORG, ""},
    {"congressman", LX_TITLE, ""},
    {"congresswoman", LX_TITLE, ""},
    {"consulate", LX_ORG, ""},
    {"coordination", LX_STOP, ""},
    {"coordinator", LX_TITLE, ""},
    {"copyright", LX_STOP, ""},
    {"corp", LX_ORG, ""},
    {"corporation", LX_ORG, ""},
    {"corps", LX_ORG, ""},
    {"correspondent", LX_TITLE, ""},
    {"could", LX_STOP, ""},
    {"council", LX_ORG, ""},
    {"country", LX_STOP, ""},
    {"county", LX_STOP, ""},
    {"court", LX_ORG, ""},
    {"crescent", LX_ORG, ""},
    {"crisis", LX_STOP, ""},
    {"croatian", LX_DEMONYM, "HR"},
    {"cross", LX_ORG, ""},
    {"crown", LX_TITLE, ""},
    {"cup", LX_ORG, ""},
    {"cyclone", LX_STOP, ""},
    {"czech", LX_DEMONYM, "CZ"},
    {"da", LX_PARTICLE, ""},
    {"daesh", LX_ORG, ""},
    {"daily", LX_ORG, ""},
    {"dam", LX_GEO, ""},
    {"dame", LX_HONORIFIC | LX_TITLE, ""},
    {"danish", LX_DEMONYM, "DK"},
    {"das", LX_PARTICLE, ""},
    {"dawn", LX_GEO, ""},
    {"dayr", LX_GEO, ""},
    {"de", LX_PARTICLE, ""},
    {"deal", LX_STOP, ""},
    {"dean", LX_TITLE, ""},
    {"dear", LX_STOP, ""},
    {"dec", LX_STOP, ""},
    {"december", LX_STOP, ""},
    {"declared", LX_SPEECH_AFTER, ""},
    {"defence", LX_ORG | LX_TITLE, ""},
    {"defense", LX_ORG | LX_TITLE, ""},
    {"deir", LX_GEO, ""},
    {"del", LX_PARTICLE, ""},
    {"della", LX_PARTICLE, ""},
    {"democratic", LX_STOP, ""},
    {"den", LX_PARTICLE, ""},
    {"denied", LX_SPEECH_AFTER, ""},
    {"department", LX_ORG, ""},
    {"deputy", LX_TITLE, ""},
    {"der", LX_PARTICLE, ""},
    {"desert", LX_GEO, ""},
    {"development", LX_ORG, ""},
    {"di", LX_PARTICLE, ""},
    {"dictator", LX_TITLE, ""},
    {"did", LX_STOP, ""},
    {"director", LX_TITLE, ""},
    {"district", LX_GEO | LX_STOP, ""},
    {"division", LX_ORG, ""},
    {"do", LX_STOP, ""},
    {"doctor", LX_TITLE, ""},
    {"doctors", LX_ORG, ""},
    {"does", LX_STOP, ""},
    {"done", LX_STOP, ""},
    {"dos", LX_PARTICLE, ""},
    {"dr", LX_HONORIFIC | LX_STOP, ""},
    {"druze", LX_STOP, ""},
    {"du", LX_PARTICLE, ""},
    {"during", LX_STOP, ""},
    {"dutch", LX_DEMONYM, "NL"},
    {"each", LX_STOP, ""},
    {"early", LX_STOP, ""},
    {"east", LX_STOP, ""},
    {"easter", LX_STOP, ""},
    {"eastern", LX_STOP, ""},
    {"economy", LX_ORG, ""},
    {"editor", LX_STOP, ""},
    {"editors", LX_STOP, ""},
    {"education", LX_ORG, ""},
    {"egyptian", LX_DEMONYM, "EG"},
    {"egyptians", LX_DEMONYM, "EG"},
    {"eid", LX_STOP, ""},
    {"eight", LX_STOP, ""},
    {"either", LX_STOP, ""},
    {"el", LX_PARTICLE, ""},
    {"email", LX_STOP, ""},
    {"embassy", LX_ORG, ""},
    {"emir", LX_TITLE, ""},
    {"emirati", LX_DEMONYM, "AE"},
    {"emphasised", LX_SPEECH_AFTER, ""},
    {"emphasized", LX_SPEECH_AFTER, ""},
    {"energy", LX_ORG, ""},
    {"english", LX_STOP, ""},
    {"envoy", LX_TITLE, ""},
    {"eritrean", LX_DEMONYM, "ER"},
    {"estonian", LX_DEMONYM, "EE"},
    {"ethiopian", LX_DEMONYM, "ET"},
    {"ethiopians", LX_DEMONYM, "ET"},
    {"eu", LX_ORG, ""},
    {"even", LX_STOP, ""},
    {"every", LX_STOP, ""},
    {"exclusive", LX_STOP, ""},
    {"expert", LX_TITLE, ""},
    {"explained", LX_SPEECH_AFTER, ""},
    {"facebook", LX_ORG, ""},
    {"faith", LX_STOP, ""},
    {"fall", LX_STOP, ""},
    {"farm", LX_STOP, ""},
    {"farms", LX_STOP, ""},
    {"father", LX_TITLE, ""},
    {"faylaq", LX_ORG, ""},
    {"fc", LX_ORG, ""},
    {"feb", LX_STOP, ""},
    {"february", LX_STOP, ""},
    {"federal", LX_STOP, ""},
    {"federation", LX_ORG, ""},
    {"festival", LX_ORG, ""},
    {"few", LX_STOP, ""},
    {"fighter", LX_TITLE, ""},
    {"fighters", LX_STOP, ""},
    {"file", LX_STOP, ""},
    {"filipino", LX_DEMONYM, "PH"},
    {"finance", LX_ORG, ""},
    {"fine", LX_STOP, ""},
    {"finnish", LX_DEMONYM, "FI"},
    {"first", LX_STOP, ""},
    {"five", LX_STOP, ""},
    {"for", LX_STOP, ""},
    {"force", LX_ORG, ""},
    {"forces", LX_ORG | LX_STOP, ""},
    {"foreign", LX_ORG | LX_TITLE, ""},
    {"former", LX_TITLE, ""},
    {"foundation", LX_ORG, ""},
    {"founder", LX_TITLE, ""},
    {"four", LX_STOP, ""},
    {"fox", LX_ORG, ""},
    {"free", LX_STOP, ""},
    {"french", LX_DEMONYM, "FR"},
    {"fri", LX_STOP, ""},
    {"friday", LX_STOP, ""},
    {"from", LX_LOCATIVE | LX_STOP, ""},
    {"front", LX_ORG | LX_STOP, ""},
    {"frontline", LX_STOP, ""},
    {"fund", LX_ORG, ""},
    {"games", LX_ORG, ""},
    {"gazette", LX_ORG, ""},
    {"gen", LX_TITLE, ""},
    {"general", LX_TITLE, ""},
    {"geological", LX_ORG, ""},
    {"georgian", LX_DEMONYM, "GE"},
    {"german", LX_DEMONYM, "DE"},
    {"germans", LX_DEMONYM, "DE"},
    {"getty", LX_ORG, ""},
    {"god", LX_STOP, ""},
    {"good", LX_STOP, ""},
    {"google", LX_ORG, ""},
    {"gov", LX_TITLE, ""},
    {"government", LX_ORG | LX_STOP, ""},
    {"governor", LX_TITLE, ""},
    {"governorate", LX_GEO | LX_STOP, ""},
    {"great", LX_STOP, ""},
    {"greek", LX_DEMONYM, "GR"},
    {"green", LX_ORG, ""},
    {"group", LX_ORG, ""},
    {"guard", LX_ORG, ""},
    {"guardian", LX_ORG, ""},
    {"guards", LX_ORG, ""},
    {"gulf", LX_GEO, ""},
    {"had", LX_STOP, ""},
    {"hamas", LX_ORG, ""},
    {"harakat", LX_ORG, ""},
    {"harat", LX_GEO, ""},
    {"has", LX_STOP, ""},
    {"have", LX_STOP, ""},
    {"having", LX_STOP, ""},
    {"hayat", LX_ORG, ""},
    {"he", LX_STOP, ""},
    {"head", LX_TITLE, ""},
    {"headquarters", LX_ORG, ""},
    {"health", LX_ORG | LX_STOP, ""},
    {"heights", LX_GEO, ""},
    {"her", LX_STOP, ""},
    {"herald", LX_ORG, ""},
    {"here", LX_STOP, ""},
    {"hezbollah", LX_ORG, ""},
    {"high", LX_STOP, ""},
    {"highway", LX_GEO, ""},
    {"hill", LX_GEO, ""},
    {"hills", LX_GEO, ""},
    {"him", LX_STOP, ""},
    {"his", LX_STOP, ""},
    {"holy", LX_STOP, ""},
    {"hope", LX_STOP, ""},
    {"hosh", LX_GEO, ""},
    {"hospital", LX_ORG, ""},
    {"house", LX_ORG, ""},
    {"how", LX_STOP, ""},
    {"however", LX_STOP, ""},
    {"human", LX_ORG, ""},
    {"humanitarian", LX_STOP, ""},
    {"hundred", LX_STOP, ""},
    {"hungarian", LX_DEMONYM, "HU"},
    {"hurricane", LX_STOP, ""},
    {"i", LX_STOP, ""},
    {"ibn", LX_PARTICLE, ""},
    {"icrc", LX_ORG, ""},
    {"if", LX_STOP, ""},
    {"image", LX_STOP, ""},
    {"images", LX_ORG | LX_STOP, ""},
    {"imam", LX_TITLE, ""},
    {"in", LX_LOCATIVE | LX_STOP, ""},
    {"inc", LX_ORG, ""},
    {"index", LX_ORG, ""},
    {"indian", LX_DEMONYM, "IN"},
    {"indonesian", LX_DEMONYM, "ID"},
    {"initiative", LX_ORG, ""},
    {"inside", LX_LOCATIVE, ""},
    {"insisted", LX_SPEECH_AFTER, ""},
    {"instagram", LX_ORG, ""},
    {"institute", LX_ORG, ""},
    {"intelligence", LX_ORG, ""},
    {"interfax", LX_ORG, ""},
    {"interior", LX_ORG | LX_TITLE, ""},
    {"international", LX_ORG | LX_STOP, ""},
    {"interview", LX_STOP, ""},
    {"into", LX_LOCATIVE, ""},
    {"iranian", LX_DEMONYM, "IR"},
    {"iranians", LX_DEMONYM, "IR"},
    {"iraqi", LX_DEMONYM, "IQ"},
    {"iraqis", LX_DEMONYM, "IQ"},
    {"irish", LX_DEMONYM, "IE"},
    {"is", LX_STOP, ""},
    {"isil", LX_ORG, ""},
    {"isis", LX_ORG, ""},
    {"islamic", LX_STOP, ""},
    {"islamist", LX_STOP, ""},
    {"island", LX_GEO, ""},
    {"islands", LX_GEO, ""},
    {"israeli", LX_DEMONYM, "IL"},
    {"israelis", LX_DEMONYM, "IL"},
    {"it", LX_STOP, ""},
    {"italian", LX_DEMONYM, "IT"},
    {"its", LX_STOP, ""},
    {"jabal", LX_GEO, ""},
    {"jabha", LX_ORG, ""},
    {"jabhat", LX_ORG, ""},
    {"jaish", LX_ORG, ""},
    {"jan", LX_STOP, ""},
    {"january", LX_STOP, ""},
    {"japanese", LX_DEMONYM, "JP"},
    {"jaysh", LX_ORG, ""},
    {"jazeera", LX_ORG, ""},
    {"jeb", LX_GEO, ""},
    {"jebel", LX_GEO, ""},
    {"jesr", LX_GEO, ""},
    {"jesus", LX_STOP, ""},
    {"jewish", LX_STOP, ""},
    {"jews", LX_STOP, ""},
    {"jisr", LX_GEO, ""},
    {"jordanian", LX_DEMONYM, "JO"},
    {"jordanians", LX_DEMONYM, "JO"},
    {"journal", LX_ORG, ""},
    {"journalist", LX_TITLE, ""},
    {"jrood", LX_GEO, ""},
    {"judge", LX_TITLE, ""},
    {"jul", LX_STOP, ""},
    {"july", LX_STOP, ""},
    {"jun", LX_STOP, ""},
    {"jund", LX_ORG, ""},
    {"june", LX_STOP, ""},
    {"jurud", LX_GEO, ""},
    {"just", LX_STOP, ""},
    {"justice", LX_ORG | LX_TITLE, ""},
    {"kafar", LX_GEO, ""},
    {"kafr", LX_GEO, ""},
    {"kazakh", LX_DEMONYM, "KZ"},
    {"kenyan", LX_DEMONYM, "KE"},
    {"kfar", LX_GEO, ""},
    {"khan", LX_GEO, ""},
    {"khirbat", LX_GEO, ""},
    {"khirbet", LX_GEO, ""},
    {"king", LX_TITLE, ""},
    {"kingdom", LX_STOP, ""},
    {"korean", LX_DEMONYM, "KR"},
    {"kosovar", LX_DEMONYM, "XK"},
    {"kremlin", LX_ORG, ""},
    {"kurdish", LX_STOP, ""},
    {"kurds", LX_STOP, ""},
    {"kuwaiti", LX_DEMONYM, "KW"},
    {"kyrgyz", LX_DEMONYM, "KG"},
    {"la", LX_PARTICLE, ""},
    {"lady", LX_TITLE, ""},
    {"lake", LX_GEO, ""},
    {"last", LX_STOP, ""},
    {"latin", LX_STOP, ""},
    {"latvian", LX_DEMONYM, "LV"},
    {"lawyer", LX_TITLE, ""},
    {"le", LX_PARTICLE, ""},
    {"leader", LX_TITLE, ""},
    {"league", LX_ORG, ""},
    {"lebanese", LX_DEMONYM, "LB"},
    {"levant", LX_STOP, ""},
    {"libyan", LX_DEMONYM, "LY"},
    {"libyans", LX_DEMONYM, "LY"},
    {"lieutenant", LX_TITLE, ""},
    {"lithuanian", LX_DEMONYM, "LT"},
    {"little", LX_STOP, ""},
    {"live", LX_STOP, ""},
    {"liwa", LX_ORG, ""},
    {"local", LX_STOP, ""},
    {"long", LX_STOP, ""},
    {"lord", LX_TITLE, ""},
    {"low", LX_STOP, ""},
    {"lower", LX_STOP, ""},
    {"lt", LX_TITLE, ""},
    {"ltd", LX_ORG, ""},
    {"maarat", LX_GEO, ""},
    {"maaret", LX_GEO, ""},
    {"maarrat", LX_GEO, ""},
    {"madam", LX_HONORIFIC, ""},
    {"magazine", LX_ORG, ""},
    {"maj", LX_TITLE, ""},
    {"major", LX_TITLE, ""},
    {"malaysian", LX_DEMONYM, "MY"},
    {"malian", LX_DEMONYM, "ML"},
    {"man", LX_STOP, ""},
    {"manar", LX_ORG, ""},
    {"many", LX_STOP, ""},
    {"mar", LX_STOP, ""},
    {"march", LX_STOP, ""},
    {"marshal", LX_TITLE, ""},
    {"masaken", LX_GEO, ""},
    {"may", LX_STOP, ""},
    {"mayor", LX_TITLE, ""},
    {"me", LX_STOP, ""},
    {"meanwhile", LX_STOP, ""},
    {"media", LX_ORG, ""},
    {"men", LX_STOP, ""},
    {"mep", LX_TITLE, ""},
    {"met", LX_SPEECH_AFTER, ""},
    {"mexican", LX_DEMONYM, "MX"},
    {"microsoft", LX_ORG, ""},
    {"middle", LX_STOP, ""},
    {"might", LX_STOP, ""},
    {"militants", LX_STOP, ""},
    {"military", LX_STOP, ""},
    {"militia", LX_ORG, ""},
    {"militias", LX_ORG, ""},
    {"million", LX_STOP, ""},
    {"minister", LX_TITLE, ""},
    {"ministry", LX_ORG, ""},
    {"miss", LX_HONORIFIC, ""},
    {"mission", LX_ORG, ""},
    {"mister", LX_HONORIFIC, ""},
    {"mobile", LX_STOP, ""},
    {"moldovan", LX_DEMONYM, "MD"},
    {"mon", LX_STOP, ""},
    {"monday", LX_STOP, ""},
    {"monitor", LX_ORG, ""},
    {"more", LX_STOP, ""},
    {"moroccan", LX_DEMONYM, "MA"},
    {"mosque", LX_ORG, ""},
    {"most", LX_STOP, ""},
    {"motors", LX_ORG, ""},
    {"mount", LX_GEO, ""},
    {"mountain", LX_GEO, ""},
    {"mountains", LX_GEO, ""},
    {"movement", LX_ORG, ""},
    {"mp", LX_TITLE, ""},
    {"mr", LX_HONORIFIC | LX_STOP, ""},
    {"mrs", LX_HONORIFIC | LX_STOP, ""},
    {"ms", LX_HONORIFIC | LX_STOP, ""},
    {"much", LX_STOP, ""},
    {"mullah", LX_TITLE, ""},
    {"municipal", LX_STOP, ""},
    {"municipality", LX_STOP, ""},
    {"muslim", LX_STOP, ""},
    {"muslims", LX_STOP, ""},
    {"must", LX_STOP, ""},
    {"my", LX_STOP, ""},
    {"nahr", LX_GEO, ""},
    {"nation", LX_STOP, ""},
    {"national", LX_STOP, ""},
    {"nations", LX_ORG, ""},
    {"nato", LX_ORG, ""},
    {"navy", LX_ORG, ""},
    {"nbc", LX_ORG, ""},
    {"near", LX_LOCATIVE, ""},
    {"neighborhood", LX_GEO, ""},
    {"neighbourhood", LX_GEO, ""},
    {"neither", LX_STOP, ""},
    {"network", LX_ORG, ""},
    {"never", LX_STOP, ""},
    {"new", LX_STOP, ""},
    {"news", LX_ORG, ""},
    {"next", LX_STOP, ""},
    {"nice", LX_STOP, ""},
    {"nigerian", LX_DEMONYM, "NG"},
    {"nigerians", LX_DEMONYM, "NG"},
    {"nine", LX_STOP, ""},
    {"no", LX_STOP, ""},
    {"nor", LX_STOP, ""},
    {"north", LX_STOP, ""},
    {"northeast", LX_STOP, ""},
    {"northern", LX_STOP, ""},
    {"northwest", LX_STOP, ""},
    {"norwegian", LX_DEMONYM, "NO"},
    {"not", LX_STOP, ""},
    {"note", LX_STOP, ""},
    {"noted", LX_SPEECH_AFTER, ""},
    {"nov", LX_STOP, ""},
    {"november", LX_STOP, ""},
    {"novosti", LX_ORG, ""},
    {"nusra", LX_ORG, ""},
    {"oblast", LX_GEO | LX_STOP, ""},
    {"observatory", LX_ORG, ""},
    {"ocean", LX_GEO, ""},
    {"oct", LX_STOP, ""},
    {"october", LX_STOP, ""},
    {"of", LX_STOP, ""},
    {"office", LX_ORG, ""},
    {"officer", LX_TITLE, ""},
    {"official", LX_STOP | LX_TITLE, ""},
    {"officials", LX_STOP, ""},
    {"ok", LX_STOP, ""},
    {"old", LX_STOP, ""},
    {"olympic", LX_ORG, ""},
    {"olympics", LX_ORG, ""},
    {"omani", LX_DEMONYM, "OM"},
    {"on", LX_STOP, ""},
    {"one", LX_STOP, ""},
    {"online", LX_ORG, ""},
    {"only", LX_STOP, ""},
    {"open", LX_STOP, ""},
    {"operation", LX_GEO | LX_ORG, ""},
    {"opinion", LX_STOP, ""},
    {"opposition", LX_STOP, ""},
    {"or", LX_STOP, ""},
    {"ordered", LX_SPEECH_AFTER, ""},
    {"organisation", LX_ORG, ""},
    {"organisations", LX_ORG, ""},
    {"organization", LX_ORG, ""},
    {"organizations", LX_ORG, ""},
    {"other", LX_STOP, ""},
    {"our", LX_STOP, ""},
    {"outside", LX_LOCATIVE, ""},
    {"pakistani", LX_DEMONYM, "PK"},
    {"pakistanis", LX_DEMONYM, "PK"},
    {"palestinian", LX_DEMONYM, "PS"},
    {"palestinians", LX_DEMONYM, "PS"},
    {"parliament", LX_ORG, ""},
    {"party", LX_ORG, ""},
    {"patriarch", LX_TITLE, ""},
    {"peace", LX_STOP, ""},
    {"peninsula", LX_GEO, ""},
    {"pentagon", LX_ORG, ""},
    {"people", LX_STOP, ""},
    {"peoples", LX_STOP, ""},
    {"photo", LX_STOP, ""},
    {"photographer", LX_TITLE, ""},
    {"photos", LX_STOP, ""},
    {"pilot", LX_TITLE, ""},
    {"plain", LX_GEO, ""},
    {"please", LX_STOP, ""},
    {"pledged", LX_SPEECH_AFTER, ""},
    {"pm", LX_TITLE, ""},
    {"police", LX_ORG | LX_STOP, ""},
    {"policy", LX_STOP, ""},
    {"polish", LX_DEMONYM, "PL"},
    {"pope", LX_TITLE, ""},
    {"portuguese", LX_DEMONYM, "PT"},
    {"post", LX_ORG, ""},
    {"praised", LX_SPEECH_AFTER, ""},
    {"premier", LX_TITLE, ""},
    {"president", LX_TITLE, ""},
    {"press", LX_ORG, ""},
    {"prime", LX_TITLE, ""},
    {"prince", LX_TITLE, ""},
    {"princess", LX_TITLE, ""},
    {"print", LX_STOP, ""},
    {"prison", LX_ORG, ""},
    {"prof", LX_TITLE, ""},
    {"professor", LX_TITLE, ""},
    {"program", LX_ORG, ""},
    {"programme", LX_ORG, ""},
    {"project", LX_ORG, ""},
    {"protection", LX_STOP, ""},
    {"province", LX_GEO | LX_STOP, ""},
    {"qaeda", LX_ORG, ""},
    {"qaida", LX_ORG, ""},
    {"qalaat", LX_GEO, ""},
    {"qasr", LX_GEO, ""},
    {"qatari", LX_DEMONYM, "QA"},
    {"quarter", LX_GEO, ""},
    {"queen", LX_TITLE, ""},
    {"quoted", LX_SPEECH_BEFORE, ""},
    {"quoting", LX_SPEECH_BEFORE, ""},
    {"radio", LX_ORG, ""},
    {"railway", LX_ORG, ""},
    {"railways", LX_ORG, ""},
    {"ramadan", LX_STOP, ""},
    {"rapporteur", LX_TITLE, ""},
    {"ras", LX_GEO, ""},
    {"read", LX_STOP, ""},
    {"reading", LX_STOP, ""},
    {"rebel", LX_STOP, ""},
    {"rebels", LX_STOP, ""},
    {"recalled", LX_SPEECH_AFTER, ""},
    {"red", LX_ORG, ""},
    {"reef", LX_GEO, ""},
    {"refugees", LX_STOP, ""},
    {"regime", LX_STOP, ""},
    {"regiment", LX_ORG, ""},
    {"region", LX_GEO | LX_STOP, ""},
    {"regional", LX_STOP, ""},
    {"related", LX_STOP, ""},
    {"relations", LX_ORG, ""},
    {"rep", LX_TITLE, ""},
    {"replied", LX_SPEECH_AFTER, ""},
    {"report", LX_ORG, ""},
    {"reported", LX_SPEECH_AFTER, ""},
    {"reporter", LX_TITLE, ""},
    {"reports", LX_ORG, ""},
    {"representative", LX_TITLE, ""},
    {"republic", LX_STOP, ""},
    {"research", LX_STOP, ""},
    {"researcher", LX_TITLE, ""},
    {"resident", LX_TITLE, ""},
    {"residents", LX_STOP, ""},
    {"reuters", LX_ORG, ""},
    {"rev", LX_TITLE, ""},
    {"reverend", LX_TITLE, ""},
    {"review", LX_ORG, ""},
    {"ria", LX_ORG, ""},
    {"rif", LX_GEO, ""},
    {"rights", LX_ORG, ""},
    {"river", LX_GEO, ""},
    {"road", LX_GEO | LX_ORG, ""},
    {"roman", LX_STOP, ""},
    {"romanian", LX_DEMONYM, "RO"},
    {"russian", LX_DEMONYM, "RU"},
    {"russians", LX_DEMONYM, "RU"},
    {"rwandan", LX_DEMONYM, "RW"},
    {"sahl", LX_GEO, ""},
    {"said", LX_SPEECH_AFTER | LX_SPEECH_BEFORE | LX_STOP, ""},
    {"sale", LX_STOP, ""},
    {"same", LX_STOP, ""},
    {"sana", LX_ORG, ""},
    {"sat", LX_STOP, ""},
    {"saturday", LX_STOP, ""},
    {"saudi", LX_DEMONYM, "SA"},
    {"saudis", LX_DEMONYM, "SA"},
    {"save", LX_STOP, ""},
    {"say", LX_STOP, ""},
    {"says", LX_SPEECH_AFTER | LX_SPEECH_BEFORE | LX_STOP, ""},
    {"school", LX_ORG, ""},
    {"sea", LX_GEO, ""},
    {"second", LX_STOP, ""},
    {"secretary", LX_TITLE, ""},
    {"security", LX_ORG | LX_STOP, ""},
    {"sen", LX_TITLE, ""},
    {"senate", LX_ORG, ""},
    {"senator", LX_TITLE, ""},
    {"sep", LX_STOP, ""},
    {"sept", LX_STOP, ""},
    {"september", LX_STOP, ""},
    {"serb", LX_DEMONYM, "RS"},
    {"serbian", LX_DEMONYM, "RS"},
    {"serbs", LX_DEMONYM, "RS"},
    {"sergeant", LX_TITLE, ""},
    {"service", LX_ORG, ""},
    {"services", LX_ORG, ""},
    {"seven", LX_STOP, ""},
    {"several", LX_STOP, ""},
    {"sgt", LX_TITLE, ""},
    {"shaikh", LX_TITLE, ""},
    {"shall", LX_STOP, ""},
    {"sham", LX_ORG, ""},
    {"share", LX_STOP, ""},
    {"she", LX_STOP, ""},
    {"sheikh", LX_TITLE, ""},
    {"shia", LX_STOP, ""},
    {"shield", LX_GEO, ""},
    {"shiite", LX_STOP, ""},
    {"shiites", LX_STOP, ""},
    {"should", LX_STOP, ""},
    {"signed", LX_SPEECH_AFTER, ""},
    {"since", LX_STOP, ""},
    {"sir", LX_HONORIFIC | LX_TITLE, ""},
    {"six", LX_STOP, ""},
    {"sky", LX_ORG, ""},
    {"slovak", LX_DEMONYM, "SK"},
    {"small", LX_STOP, ""},
    {"so", LX_STOP, ""},
    {"soldier", LX_TITLE, ""},
    {"soldiers", LX_STOP, ""},
    {"somali", LX_DEMONYM, "SO"},
    {"somalian", LX_DEMONYM, "SO"},
    {"somalis", LX_DEMONYM, "SO"},
    {"some", LX_STOP, ""},
    {"souq", LX_GEO, ""},
    {"source", LX_STOP, ""},
    {"sources", LX_STOP, ""},
    {"south", LX_STOP, ""},
    {"southeast", LX_STOP, ""},
    {"southern", LX_STOP, ""},
    {"southwest", LX_STOP, ""},
    {"spanish", LX_DEMONYM, "ES"},
    {"speaker", LX_TITLE, ""},
    {"split", LX_STOP, ""},
    {"spokesman", LX_TITLE, ""},
    {"spokesperson", LX_TITLE, ""},
    {"spokeswoman", LX_TITLE, ""},
    {"spring", LX_STOP, ""},
    {"square", LX_GEO | LX_ORG, ""},
    {"staff", LX_ORG, ""},
    {"state", LX_ORG | LX_STOP, ""},
    {"stated", LX_SPEECH_AFTER, ""},
    {"statement", LX_STOP, ""},
    {"states", LX_ORG, ""},
    {"station", LX_ORG, ""},
    {"still", LX_STOP, ""},
    {"storm", LX_GEO, ""},
    {"strait", LX_GEO, ""},
    {"strategic", LX_STOP, ""},
    {"street", LX_ORG, ""},
    {"stressed", LX_SPEECH_AFTER, ""},
    {"strongman", LX_TITLE, ""},
    {"studies", LX_STOP, ""},
    {"subscribe", LX_STOP, ""},
    {"suburb", LX_GEO, ""},
    {"such", LX_STOP, ""},
    {"sudanese", LX_DEMONYM, "SD"},
    {"sultan", LX_TITLE, ""},
    {"summer", LX_STOP, ""},
    {"summit", LX_ORG, ""},
    {"sun", LX_STOP, ""},
    {"sunday", LX_STOP, ""},
    {"sunni", LX_STOP, ""},
    {"suq", LX_GEO, ""},
    {"survey", LX_ORG, ""},
    {"swedish", LX_DEMONYM, "SE"},
    {"swiss", LX_DEMONYM, "CH"},
    {"syrian", LX_DEMONYM, "SY"},
    {"syrians", LX_DEMONYM, "SY"},
    {"tags", LX_STOP, ""},
    {"tahrir", LX_ORG, ""},
    {"tajik", LX_DEMONYM, "TJ"},
    {"tal", LX_GEO, ""},
    {"taliban", LX_ORG, ""},
    {"tall", LX_GEO, ""},
    {"task", LX_ORG, ""},
    {"tass", LX_ORG, ""},
    {"tel", LX_GEO, ""},
    {"telegram", LX_ORG, ""},
    {"telegraph", LX_ORG, ""},
    {"television", LX_ORG, ""},
    {"tell", LX_GEO, ""},
    {"ten", LX_STOP, ""},
    {"ter", LX_PARTICLE, ""},
    {"thai", LX_DEMONYM, "TH"},
    {"than", LX_STOP, ""},
    {"thank", LX_STOP, ""},
    {"thanked", LX_SPEECH_BEFORE, ""},
    {"thanks", LX_STOP, ""},
    {"that", LX_STOP, ""},
    {"the", LX_STOP, ""},
    {"their", LX_STOP, ""},
    {"them", LX_STOP, ""},
    {"then", LX_STOP, ""},
    {"there", LX_STOP, ""},
    {"these", LX_STOP, ""},
    {"they", LX_STOP, ""},
    {"thinks", LX_SPEECH_AFTER, ""},
    {"third", LX_STOP, ""},
    {"this", LX_STOP, ""},
    {"those", LX_STOP, ""},
    {"though", LX_STOP, ""},
    {"thousand", LX_STOP, ""},
    {"three", LX_STOP, ""},
    {"through", LX_LOCATIVE, ""},
    {"thu", LX_STOP, ""},
    {"thur", LX_STOP, ""},
    {"thurs", LX_STOP, ""},
    {"thursday", LX_STOP, ""},
    {"thus", LX_STOP, ""},
    {"tiger", LX_ORG, ""},
    {"tigers", LX_ORG, ""},
    {"tigrayan", LX_DEMONYM, "ET"},
    {"times", LX_ORG, ""},
    {"to", LX_STOP, ""},
    {"today", LX_STOP, ""},
    {"told", LX_SPEECH_AFTER | LX_SPEECH_BEFORE, ""},
    {"tomorrow", LX_STOP, ""},
    {"tonight", LX_STOP, ""},
    {"topic", LX_STOP, ""},
    {"toward", LX_LOCATIVE, ""},
    {"towards", LX_LOCATIVE, ""},
    {"town", LX_STOP, ""},
    {"tribune", LX_ORG, ""},
    {"troops", LX_STOP, ""},
    {"tropical", LX_STOP, ""},
    {"tsar", LX_TITLE, ""},
    {"tue", LX_STOP, ""},
    {"tues", LX_STOP, ""},
    {"tuesday", LX_STOP, ""},
    {"tunisian", LX_DEMONYM, "TN"},
    {"turk", LX_DEMONYM, "TR"},
    {"turkish", LX_DEMONYM, "TR"},
    {"turkmen", LX_DEMONYM, "TM"},
    {"turks", LX_DEMONYM, "TR"},
    {"tv", LX_ORG, ""},
    {"tweet", LX_STOP, ""},
    {"tweeted", LX_SPEECH_AFTER, ""},
    {"twitter", LX_ORG, ""},
    {"two", LX_STOP, ""},
    {"typhoon", LX_STOP, ""},
    {"u.s.", 0, ""},
    {"ugandan", LX_DEMONYM, "UG"},
    {"ukrainian", LX_DEMONYM, "UA"},
    {"ukrainians", LX_DEMONYM, "UA"},
    {"ukrinform", LX_ORG, ""},
    {"umm", LX_GEO, ""},
    {"un", LX_ORG, ""},
    {"unhcr", LX_ORG, ""},
    {"unicef", LX_ORG, ""},
    {"union", LX_ORG | LX_STOP, ""},
    {"unit", LX_STOP, ""},
    {"united", LX_ORG, ""},
    {"units", LX_STOP, ""},
    {"university", LX_ORG, ""},
    {"until", LX_STOP, ""},
    {"update", LX_STOP, ""},
    {"updated", LX_STOP, ""},
    {"upper", LX_STOP, ""},
    {"urged", LX_SPEECH_AFTER, ""},
    {"urum", LX_GEO, ""},
    {"us", LX_STOP, ""},
    {"uzbek", LX_DEMONYM, "UZ"},
    {"valley", LX_GEO, ""},
    {"van", LX_PARTICLE, ""},
    {"venezuelan", LX_DEMONYM, "VE"},
    {"vice", LX_TITLE, ""},
    {"video", LX_STOP, ""},
    {"vietnamese", LX_DEMONYM, "VN"},
    {"views", LX_STOP, ""},
    {"village", LX_STOP, ""},
    {"visited", LX_SPEECH_AFTER, ""},
    {"von", LX_PARTICLE, ""},
    {"vowed", LX_SPEECH_AFTER, ""},
    {"wadi", LX_GEO, ""},
    {"wait", LX_STOP, ""},
    {"wants", LX_SPEECH_AFTER, ""},
    {"war", LX_STOP, ""},
    {"warned", LX_SPEECH_AFTER, ""},
    {"was", LX_STOP, ""},
    {"watch", LX_ORG | LX_STOP, ""},
    {"we", LX_STOP, ""},
    {"wed", LX_STOP, ""},
    {"wednesday", LX_STOP, ""},
    {"weekly", LX_ORG, ""},
    {"welcome", LX_STOP, ""},
    {"were", LX_STOP, ""},
    {"west", LX_STOP, ""},
    {"western", LX_STOP, ""},
    {"what", LX_STOP, ""},
    {"when", LX_STOP, ""},
    {"where", LX_STOP, ""},
    {"while", LX_STOP, ""},
    {"white", LX_ORG, ""},
    {"who", LX_ORG | LX_STOP, ""},
    {"whom", LX_STOP, ""},
    {"whose", LX_STOP, ""},
    {"why", LX_STOP, ""},
    {"will", LX_STOP, ""},
    {"winter", LX_STOP, ""},
    {"with", LX_STOP, ""},
    {"within", LX_LOCATIVE, ""},
    {"witness", LX_TITLE, ""},
    {"women", LX_STOP, ""},
    {"world", LX_STOP, ""},
    {"would", LX_STOP, ""},
    {"wrath", LX_GEO, ""},
    {"wrote", LX_SPEECH_AFTER, ""},
    {"yemeni", LX_DEMONYM, "YE"},
    {"yemenis", LX_DEMONYM, "YE"},
    {"yes", LX_STOP, ""},
    {"yesterday", LX_STOP, ""},
    {"yet", LX_STOP, ""},
    {"you", LX_STOP, ""},
    {"youtube", LX_ORG, ""},
    {"zone", LX_STOP, ""},
};

#define LEXICON_SIZE (sizeof ex_lexicon / sizeof ex_lexicon[0])

/* Longest word looked up in the lexicon. */
#define LEX_MAX_WORD 24

/* Offsets are uint32_t. */
#define MAX_TEXT ((size_t)UINT32_MAX - 1)

static int lex_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct ex_lexeme *)elem)->word);
}

size_t ex_ner_span_after(const struct ex_doc *d, uint32_t start)
{
    size_t lo = 0, hi = d->nner;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->ner[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

unsigned ex_lex_flags(const struct ex_doc *d, size_t i)
{
    return i < d->ntoks && d->toks[i].lex >= 0 ? ex_lexicon[d->toks[i].lex].flags : 0;
}

uint16_t *ex_country_slot(struct ex_doc *d, const char *iso2)
{
    unsigned a, b;
    if (!iso2 || !iso2[0] || !iso2[1] || iso2[2])
        return NULL;
    a = (unsigned)((iso2[0] | 0x20) - 'a');
    b = (unsigned)((iso2[1] | 0x20) - 'a');
    if (a >= 26 || b >= 26)
        return NULL;
    return &d->country_ctx[a * 26 + b];
}

/* Unicode letter classes for the scripts news is written in; everything
 * not named here and above U+00BF counts as a caseless letter, so unknown
 * scripts still form words. */
enum cp_class { CP_SEP, CP_DIGIT, CP_UPPER, CP_LOWER, CP_CASELESS, CP_MARK };

static enum cp_class classify(uint32_t c)
{
    /* Invalid bytes (next_cp() gives 0x110000) and U+FFFD separate words,
     * so every token is valid UTF-8. */
    if (c > 0x10FFFF || c == 0xFFFD)
        return CP_SEP;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return CP_UPPER;
        if (c >= 'a' && c <= 'z')
            return CP_LOWER;
        if (c >= '0' && c <= '9')
            return CP_DIGIT;
        return CP_SEP;
    }
    if (c < 0xC0)
        return c == 0xAA || c == 0xB5 || c == 0xBA ? CP_LOWER : CP_SEP;
    if (c <= 0xDE)
        return c == 0xD7 ? CP_SEP : CP_UPPER;
    if (c <= 0xFF)
        return c == 0xF7 ? CP_SEP : CP_LOWER;
    if (c <= 0x17F) {
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return c % 2 == 1 ? CP_UPPER : CP_LOWER;
        if (c == 0x178)
            return CP_UPPER;
        if (c == 0x138 || c == 0x149 || c == 0x17F)
            return CP_LOWER;
        return c % 2 == 0 ? CP_UPPER : CP_LOWER;
    }
    if (c <= 0x24F) /* Latin Extended-B: Ș, Ț and friends; case is rarely decisive */
        return (c >= 0x218 && c <= 0x21B) ? (c % 2 == 0 ? CP_UPPER : CP_LOWER) : CP_LOWER;
    if (c <= 0x2AF)
        return CP_LOWER;
    if (c <= 0x2FF) /* spacing modifiers: ʼ is an apostrophe, handled by the caller */
        return CP_SEP;
    if (c <= 0x36F)
        return CP_MARK;
    if (c >= 0x370 && c <= 0x3FF)
        return (c >= 0x391 && c <= 0x3AB) || (c >= 0x388 && c <= 0x38F) || c == 0x386
                   ? CP_UPPER
                   : (c == 0x37E || c == 0x387 ? CP_SEP : CP_LOWER);
    if (c >= 0x400 && c <= 0x52F) {
        if (c <= 0x42F)
            return CP_UPPER;
        if (c <= 0x45F)
            return CP_LOWER;
        if (c >= 0x483 && c <= 0x489)
            return CP_MARK;
        return c % 2 == 0 ? CP_UPPER : CP_LOWER;
    }
    if (c >= 0x591 && c <= 0x5C7)
        return CP_MARK;
    if (c >= 0x600 && c <= 0x6FF) {
        if ((c >= 0x64B && c <= 0x65F) || c == 0x670 || (c >= 0x6D6 && c <= 0x6ED))
            return CP_MARK;
        if ((c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9))
            return CP_DIGIT;
        if (c <= 0x61F || c == 0x66A || c == 0x66B || c == 0x66C || c == 0x66D || c == 0x6D4)
            return CP_SEP;
        return CP_CASELESS;
    }
    if (c >= 0x1E00 && c <= 0x1EFF)
        return c % 2 == 0 ? CP_UPPER : CP_LOWER;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF20) || c == 0xFEFF ||
        (c >= 0xE000 && c <= 0xF8FF) || (c >= 0x1F000 && c <= 0x1FAFF))
        return CP_SEP;
    return CP_CASELESS;
}

static bool is_apostrophe(uint32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0x2BC || c == 0x2BB;
}

/* Decodes at i; invalid bytes come back as one separator byte. */
static size_t next_cp(const char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned char b = (unsigned char)s[i];
    size_t n;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    n = sitrep_utf8_decode(s + i, len - i, cp);
    if (n == 0) {
        *cp = 0x110000; /* not a code point: a separator */
        return 1;
    }
    return n;
}

static bool letterish(enum cp_class k)
{
    return k != CP_SEP;
}

/* Abbreviations whose '.' does not end a sentence. */
static bool abbrev_word(const char *w, size_t n)
{
    static const char *const list[] = {
        "mr",   "mrs",  "ms",   "dr",   "gen",    "lt",   "col", "sgt",  "capt", "maj",
        "adm",  "gov",  "sen",  "rep",  "prof",   "rev",  "st",  "jr",   "sr",   "mt",
        "ft",   "brig", "cpl",  "pvt",  "messrs", "no",   "vs",  "cmdr", "cdr",  "insp",
        "supt", "hon",  "gens", "reps", "sens",   "govs", NULL,
    };
    char low[8];
    if (n >= sizeof low)
        return false;
    for (size_t k = 0; k < n; k++)
        low[k] = (char)(w[k] >= 'A' && w[k] <= 'Z' ? w[k] + 32 : w[k]);
    low[n] = '\0';
    for (size_t k = 0; list[k]; k++)
        if (strcmp(low, list[k]) == 0)
            return true;
    return false;
}

static uint64_t hash_lower(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c >= 'A' && c <= 'Z')
            c += 32;
        h = (h ^ c) * 0x100000001b3ULL;
    }
    return h | 1; /* 0 marks an empty slot */
}

static bool lower_set_add(struct ex_doc *d, uint64_t h)
{
    size_t mask, k;
    if (d->lower_cap == 0 || d->lower_set == NULL)
        return false;
    mask = d->lower_cap - 1;
    for (k = h & mask; d->lower_set[k] != 0; k = (k + 1) & mask)
        if (d->lower_set[k] == h)
            return true;
    /* Full enough: later words go unrecorded (they only lose the "common
     * word" hint), and probes stay short and always end. */
    if (d->lower_n >= d->lower_cap / 2)
        return false;
    d->lower_set[k] = h;
    d->lower_n++;
    return true;
}

bool ex_seen_lower(const struct ex_doc *d, size_t i)
{
    const struct ex_token *t;
    uint64_t h;
    size_t mask, k;
    if (d->lower_cap == 0 || i >= d->ntoks)
        return false;
    t = &d->toks[i];
    h = hash_lower(d->text + t->start, t->len);
    mask = d->lower_cap - 1;
    for (k = h & mask; d->lower_set[k] != 0; k = (k + 1) & mask)
        if (d->lower_set[k] == h)
            return true;
    return false;
}

static bool push_token(struct ex_doc *d, const struct ex_token *t)
{
    if (d->ntoks == d->captoks) {
        size_t cap = d->captoks ? d->captoks * 2 : 256;
        struct ex_token *n = realloc(d->toks, cap * sizeof *n);
        if (!n)
            return false;
        d->toks = n;
        d->captoks = cap;
    }
    d->toks[d->ntoks++] = *t;
    return true;
}

/* Looks the ASCII word of token t up in the lexicon. */
static int16_t lex_lookup(const char *w, size_t n)
{
    char low[LEX_MAX_WORD + 1];
    const struct ex_lexeme *hit;
    if (n == 0 || n > LEX_MAX_WORD)
        return -1;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)w[k];
        if (c >= 0x80)
            return -1;
        low[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    low[n] = '\0';
    hit = bsearch(low, ex_lexicon, LEXICON_SIZE, sizeof ex_lexicon[0], lex_cmp);
    return hit ? (int16_t)(hit - ex_lexicon) : -1;
}

/* One pass over the text: tokens, their flags, and the set of words seen
 * in lower case. */
static bool tokenise(struct ex_doc *d)
{
    const char *s = d->text;
    size_t len = d->len, i = 0;
    bool boundary = true;  /* the next token starts a sentence */
    bool joinable = false; /* only white space since the previous token */
    bool hyphen = false;   /* ... and exactly one hyphen */
    bool ok = false;

    while (i < len) {
        uint32_t cp;
        size_t n = next_cp(s, len, i, &cp);
        enum cp_class k = classify(cp);

        if (!letterish(k) || k == CP_MARK) {
            if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0 || cp == 0x202F ||
                cp == 0x2009) {
                /* White space keeps a join possible, but not after a hyphen:
                 * "Kharkiv - the city" is two phrases. */
                if (hyphen)
                    joinable = false;
            } else if (cp == '-' && joinable && !hyphen && d->ntoks > 0 &&
                       d->toks[d->ntoks - 1].start + d->toks[d->ntoks - 1].len == i) {
                hyphen = true;
            } else if (cp == '.' && d->ntoks > 0 &&
                       d->toks[d->ntoks - 1].start + d->toks[d->ntoks - 1].len == i &&
                       (d->toks[d->ntoks - 1].flags & TK_DOT)) {
                /* "Mr." and initials: the sentence goes on, the name too. */
            } else {
                joinable = false;
                if (cp == '.' || cp == '!' || cp == '?' || cp == '\n' || cp == ':' || cp == ';' ||
                    cp == 0x2022)
                    boundary = true;
                if (cp == ',' && d->ntoks > 0)
                    d->toks[d->ntoks - 1].flags |= TK_COMMA;
            }
            i += n;
            continue;
        }

        /* A word: letters, digits, marks and inner apostrophes. */
        struct ex_token t = {0};
        size_t j = i, end;
        bool ascii = true, has_lower = false, has_upper = false;
        t.start = (uint32_t)i;
        t.lex = -1;
        t.flags = k == CP_UPPER   ? TK_CAP
                  : k == CP_LOWER ? TK_LOWER
                  : k == CP_DIGIT ? TK_DIGIT
                                  : TK_CASELESS;
        if (joinable && d->ntoks > 0)
            t.flags |= hyphen ? TK_HYPHEN : TK_SPACE;
        if (boundary)
            t.flags |= TK_SENT;
        while (j < len) {
            uint32_t c2;
            size_t m = next_cp(s, len, j, &c2);
            enum cp_class k2 = classify(c2);
            if (letterish(k2)) {
                if (c2 >= 0x80)
                    ascii = false;
                if (k2 == CP_UPPER)
                    has_upper = true;
                else if (k2 == CP_LOWER)
                    has_lower = true;
                j += m;
                continue;
            }
            if (is_apostrophe(c2) && j + m < len) {
                uint32_t c3;
                size_t m3 = next_cp(s, len, j + m, &c3);
                if (!letterish(classify(c3)))
                    break;
                /* "Putin's" is Putin: cut the possessive off. */
                if ((c3 == 's' || c3 == 'S') &&
                    (j + m + m3 >= len ||
                     !letterish(classify((next_cp(s, len, j + m + m3, &c3), c3))))) {
                    t.flags |= TK_POSS;
                    break;
                }
                j += m;
                continue;
            }
            break;
        }
        end = j;
        if (end - i > UINT16_MAX) {
            t.len = UINT16_MAX;
            t.flags |= TK_LONG;
        } else {
            t.len = (uint16_t)(end - i);
        }
        if (has_upper && !has_lower && end - i >= 2 && (t.flags & TK_CAP))
            t.flags |= TK_ALLCAPS;
        if (ascii && !(t.flags & TK_LONG)) {
            t.lex = lex_lookup(s + i, end - i);
            if (t.flags & TK_LOWER)
                lower_set_add(d, hash_lower(s + i, end - i));
            /* Initials ("W.") and title abbreviations keep the sentence. */
            if (end < len && s[end] == '.' &&
                (((t.flags & TK_CAP) && end - i == 1) || abbrev_word(s + i, end - i)))
                t.flags |= TK_DOT;
        }
        if (!push_token(d, &t))
            goto out;
        i = end;
        if (t.flags & TK_POSS) {
            /* skip "'s" and forbid joining across it */
            uint32_t c2;
            i += next_cp(s, len, i, &c2);
            if (i < len)
                i++;
            joinable = false;
        } else {
            joinable = true;
        }
        hyphen = false;
        boundary = false;
    }
    ok = true;
out:
    return ok;
}

bool ex_add_place(struct ex_doc *d, uint32_t tok, uint32_t ntok, const struct sitrep_place *p)
{
    if (d->nplaces == d->capplaces) {
        size_t cap = d->capplaces ? d->capplaces * 2 : 32;
        struct ex_place_mention *n = realloc(d->places, cap * sizeof *n);
        if (!n)
            return false;
        d->places = n;
        d->capplaces = cap;
    }
    d->places[d->nplaces++] = (struct ex_place_mention){tok, ntok, p};
    return true;
}

bool ex_add_person_mention(struct ex_doc *d, uint32_t tok, uint32_t ntok, bool full)
{
    if (d->npmentions == d->cappmentions) {
        size_t cap = d->cappmentions ? d->cappmentions * 2 : 32;
        struct ex_person_mention *n = realloc(d->pmentions, cap * sizeof *n);
        if (!n)
            return false;
        d->pmentions = n;
        d->cappmentions = cap;
    }
    d->pmentions[d->npmentions++] =
        (struct ex_person_mention){tok, ntok, 0, full, d->toks[tok].start};
    return true;
}

/* JSON. */

/* A string from the text, or NULL when it is not valid UTF-8 (cannot
 * happen for token spans, which are built from decoded characters). */
static json_t *span_string(const struct ex_doc *d, size_t start, size_t end)
{
    if (end > d->len || start > end || !sitrep_utf8_valid(d->text + start, end - start, NULL))
        return NULL;
    return json_stringn(d->text + start, end - start);
}

/* Appends {"start","end","text"} for tokens [tok, tok + ntok), reported
 * from byte start on (the first token's start, or an earlier title's). */
static bool add_span(json_t *arr, const struct ex_doc *d, size_t start, uint32_t tok,
                     uint32_t ntok)
{
    const struct ex_token *last = &d->toks[tok + ntok - 1];
    size_t end = last->start + last->len;
    json_t *text, *o = NULL;
    bool ok = false;

    /* Initials keep their last dot: "U.S.", not "U.S". */
    if (ntok > 1 && last->len == 1 && (last->flags & TK_DOT) && end < d->len &&
        d->text[end] == '.')
        end++;
    text = span_string(d, start, end);
    if (!text) {
        ok = true; /* skipped, not an error */
        goto out;
    }
    o = json_pack("{s:I,s:I,s:o}", "start", (json_int_t)start, "end", (json_int_t)end, "text",
                  text);
    if (!o || json_array_append_new(arr, o) != 0)
        goto out;
    ok = true;
out:
    return ok;
}

static json_t *coord(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *places_json(const struct ex_doc *d)
{
    json_t *arr = json_array(), *byid = json_object();
    bool ok = false;

    if (!arr || !byid)
        goto out;
    for (size_t k = 0; k < d->nplaces; k++) {
        const struct ex_place_mention *pm = &d->places[k];
        const struct sitrep_place *p = pm->place;
        json_t *o, *mentions;
        if (!p)
            continue;
        o = json_object_get(byid, p->id);
        if (!o) {
            o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:[]}", "id", p->id, "name", p->name,
                          "country", p->country, "admin1", p->admin1, "admin1_id", p->admin1_id,
                          "lat", coord(p->lat), "lon", coord(p->lon), "mentions");
            if (!o || json_object_set_new(byid, p->id, o) != 0 || json_array_append(arr, o) != 0)
                goto out;
        }
        mentions = json_object_get(o, "mentions");
        if (!add_span(mentions, d, d->toks[pm->tok].start, pm->tok, pm->ntok))
            goto out;
    }
    ok = true;
out:
    json_decref(byid);
    if (!ok) {
        json_decref(arr);
        arr = NULL;
    }
    return arr;
}

/* The canonical name of person k: its tokens joined by single spaces or
 * hyphens, as written.  Caller frees. */
static char *person_name(const struct ex_doc *d, const struct ex_person_mention *m)
{
    size_t cap = 0, o = 0;
    char *name;
    for (uint32_t t = m->tok; t < m->tok + m->ntok; t++)
        cap += d->toks[t].len + 1;
    name = malloc(cap + 1);
    if (!name)
        return NULL;
    for (uint32_t t = m->tok; t < m->tok + m->ntok; t++) {
        if (t > m->tok)
            name[o++] = (d->toks[t].flags & TK_HYPHEN) ? '-' : ' ';
        memcpy(name + o, d->text + d->toks[t].start, d->toks[t].len);
        o += d->toks[t].len;
    }
    name[o] = '\0';
    return name;
}

/* The surname as written: the last token with the particles joined to it
 * ("al-Assad", "von der Leyen"). */
static json_t *surname_json(const struct ex_doc *d, const struct ex_person_mention *m)
{
    uint32_t first = m->tok + m->ntok - 1;
    while (first > m->tok && (ex_lex_flags(d, first - 1) & LX_PARTICLE) &&
           (d->toks[first - 1].flags & TK_LOWER))
        first--;
    return span_string(d, d->toks[first].start,
                       d->toks[m->tok + m->ntok - 1].start + d->toks[m->tok + m->ntok - 1].len);
}

/* The supplement's person whose name or alias is the canonical name m, or
 * NULL.  Only the fullest name is asked: a shorter variant clustered into it
 * could be someone else's alias. */
static const struct sitrep_person *known_person(const struct ex_doc *d,
                                                const struct ex_person_mention *m)
{
    size_t start = d->toks[m->tok].start;
    size_t end = d->toks[m->tok + m->ntok - 1].start + d->toks[m->tok + m->ntok - 1].len;
    return d->gz ? sitrep_gazetteer_person(d->gz, d->text + start, end - start) : NULL;
}

static json_t *persons_json(const struct ex_doc *d)
{
    json_t *arr = json_array(), *byid = json_object();
    json_t **objs = NULL;
    char *name = NULL, *slug = NULL, *id = NULL;
    bool ok = false;

    if (!arr || !byid)
        goto out;
    if (d->npersons > 0) {
        objs = calloc(d->npersons, sizeof *objs);
        if (!objs)
            goto out;
    }
    /* Persons appear in the order of their first mention. */
    for (size_t k = 0; k < d->npmentions; k++) {
        const struct ex_person_mention *m = &d->pmentions[k];
        if (m->person >= d->npersons)
            continue;
        if (!objs[m->person]) {
            const struct ex_person_mention canon = {d->persons[m->person].tok,
                                                    d->persons[m->person].ntok, 0, true, 0};
            const struct ex_person_mention *c = &canon;
            const struct sitrep_person *known = known_person(d, c);
            json_t *surname = known ? json_string(known->surname) : surname_json(d, c);
            name = known ? strdup(known->name) : person_name(d, c);
            slug = name && !known ? sitrep_text_slug(name) : NULL;
            id = known ? strdup(known->id) : slug ? malloc(strlen(slug) + 8) : NULL;
            if (!id || !surname || !sitrep_utf8_valid(name, strlen(name), NULL)) {
                json_decref(surname);
                goto out;
            }
            if (!known) {
                memcpy(id, "person:", 7);
                memcpy(id + 7, slug, strlen(slug) + 1);
            }
            /* Two spellings the supplement knows as one person ("Zelensky",
             * "Zelenskyy") are clustered apart but are one person here. */
            objs[m->person] = json_incref(json_object_get(byid, id));
            if (objs[m->person]) {
                json_decref(surname);
            } else {
                objs[m->person] = json_pack("{s:s,s:s,s:o,s:[]}", "id", id, "name", name,
                                            "surname", surname, "mentions");
                if (!objs[m->person] || json_object_set(byid, id, objs[m->person]) != 0 ||
                    json_array_append(arr, objs[m->person]) != 0)
                    goto out;
            }
            free(name), free(slug), free(id);
            name = slug = id = NULL;
        }
        if (!add_span(json_object_get(objs[m->person], "mentions"), d, m->shown, m->tok, m->ntok))
            goto out;
    }
    ok = true;
out:
    if (objs)
        for (size_t k = 0; k < d->npersons; k++)
            json_decref(objs[k]);
    free(objs);
    json_decref(byid);
    free(name), free(slug), free(id);
    if (!ok) {
        json_decref(arr);
        arr = NULL;
    }
    return arr;
}

struct dates_out {
    const struct ex_doc *d;
    json_t *arr;
    bool failed;
};

static bool date_visit(const struct sitrep_date_mention *m, void *data)
{
    struct dates_out *out = data;
    char ymd[11];
    json_t *text, *o;
    static const char *const prec[] = {"day", "month", "year"};

    sitrep_date_format(m, ymd);
    text = span_string(out->d, m->start, m->end);
    if (!text)
        return true;
    o = json_pack("{s:s,s:s,s:o,s:I,s:I}", "date", ymd, "precision", prec[m->precision], "text",
                  text, "start", (json_int_t)m->start, "end", (json_int_t)m->end);
    if (!o || json_array_append_new(out->arr, o) != 0) {
        out->failed = true;
        return false;
    }
    return true;
}

json_t *sitrep_extract(const sitrep_gazetteer *gz, const char *text, size_t len,
                       const char *published)
{
    struct ex_doc d;
    json_t *result = NULL, *places = NULL, *persons = NULL;
    struct dates_out dates = {0};
    char inferred[11], pubnorm[11];
    const char *pub = NULL;
    json_t *pubjson = NULL;

    memset(&d, 0, sizeof d);
    d.gz = gz;
    d.text = text ? text : "";
    d.len = text ? (len > MAX_TEXT ? MAX_TEXT : len) : 0;
    /* Roughly one word in six is lower case and distinct words are far
     * fewer: a table of a quarter of the byte count keeps probes short. */
    d.lower_cap = 1024;
    while (d.lower_cap < d.len / 4 && d.lower_cap < ((size_t)1 << 26))
        d.lower_cap <<= 1;
    d.lower_set = calloc(d.lower_cap, sizeof *d.lower_set);
    if (!d.lower_set)
        goto out;
    if (!tokenise(&d))
        goto out;
    if (sitrep_ner_tag(d.gz, d.text, d.len, &d.ner, &d.nner) != SITREP_OK)
        goto out;
    /* The tagger's persons first: its spans are the most reliable and carry
     * the titles; the rules then add what it missed, with their cues. */
    if (!ex_persons_known(&d) || !ex_persons_tagged(&d) || !ex_persons_titled(&d) ||
        !ex_persons_speech(&d) || !ex_places(&d) || !ex_persons_bare(&d) ||
        !ex_persons_cluster(&d))
        goto out;

    if (published) {
        pub = published;
        pubjson = json_string(published);
    } else if (sitrep_date_infer_published(d.text, d.len, inferred)) {
        pub = inferred;
        pubjson = json_string(inferred);
    } else {
        pubjson = json_null();
    }
    if (!pubjson) /* NULL for a published that is not UTF-8: say nothing */
        pubjson = json_null();
    if (pub && sitrep_date_parse(pub, pubnorm))
        pub = pubnorm;
    dates.d = &d;
    dates.arr = json_array();
    if (!dates.arr)
        goto out;
    sitrep_dates_find(d.text, d.len, pub, date_visit, &dates);
    if (dates.failed)
        goto out;
    places = places_json(&d);
    persons = persons_json(&d);
    if (!places || !persons)
        goto out;
    result = json_pack("{s:o,s:o,s:o,s:o}", "places", places, "persons", persons, "dates",
                       dates.arr, "published", pubjson);
    places = persons = dates.arr = pubjson = NULL; /* json_pack "o" took them, even on failure */
out:
    json_decref(places);
    json_decref(persons);
    json_decref(dates.arr);
    json_decref(pubjson);
    free(d.toks);
    free(d.lower_set);
    free(d.places);
    free(d.pmentions);
    free(d.persons);
    free(d.ner);
    return result;
}
