// Payload encoding: round trips, printed forms equal the engine's, and a
// hostile blob is rejected with a message (never a crash).

#include "Payload.h"

#include "Compiler.h"
#include "Print.h"
#include "MapKey.h"
#include "Value.h"

#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::debugger;

class TestPayload : public QObject {
    Q_OBJECT
private slots:
    void roundTripsEveryKind();
    void printsLikeTheEngine();
    void smallMessagesAreSmall();
    void everyTruncationIsAnError();
    void hostileCountsAndTags();
    void deepNestingIsBounded();
    void stringMapsKeepTheirBytes();
    void backToEngineValues();
    void recordsKeepTheirTypeAndNames();
    void fuzzCorpusReplays();
};

namespace {

engine::Value sample()
{
    using engine::Value;
    Value map = engine::makeMap();
    engine::mutableMap(map).set("alpha", Value::integer(-7));
    engine::mutableMap(map).set("with space", engine::makeString("x\"y"));
    // A map with int, bool and string keys, and a set (MapKey encodings).
    Value keyed = engine::makeMap();
    engine::mutableMap(keyed).set(engine::MapKey(Value::integer(-1)).bytes(), engine::makeString("minus one"));
    engine::mutableMap(keyed).set(engine::MapKey(Value::boolean(true)).bytes(), engine::makeList({}));
    engine::mutableMap(keyed).set("1", Value::integer(1));
    Value set = engine::makeSet();
    for (const Value& x : {Value::integer(3), engine::makeString("x"), Value::boolean(false)})
        engine::mutableSet(set).add(engine::MapKey(x).bytes());
    std::vector<Value> items = {Value::nil(), Value::boolean(true), Value::boolean(false), Value::integer(INT64_MIN),
                                Value::integer(INT64_MAX), Value::number(0.1), Value::number(-1e300),
                                engine::makeString("héllo"), map, Value::actor(3, 1),
                                engine::makeResult(true, Value::integer(1)),
                                engine::makeResult(false, engine::makeString("bad")),
                                engine::makeMessage(1, {Value::integer(2), engine::makeList({})}), keyed, set};
    return engine::makeList(std::move(items));
}

} // namespace

void TestPayload::roundTripsEveryKind()
{
    std::string bytes;
    encodeValue(bytes, sample(), nullptr);
    auto v = decodeValue(bytes);
    QVERIFY2(v.has_value(), v ? "" : v.error().c_str());
    QCOMPARE(v->tag, PayloadTag::List);
    QCOMPARE(v->items.size(), size_t(15));
    QCOMPARE(v->items[3].i, INT64_MIN);
    QCOMPARE(v->items[4].i, INT64_MAX);
    QCOMPARE(v->items[5].f, 0.1);
    QCOMPARE(v->items[8].keys.at(1), std::string("with space"));
    QCOMPARE(v->items[13].tag, PayloadTag::Map); // stored as KeyedMap, read as a map
    QCOMPARE(v->items[13].keys.at(2), std::string("1"));
    QCOMPARE(v->items[14].tag, PayloadTag::Set);
    QCOMPARE(v->items[14].keys.size(), size_t(3));
    // Re-encoding the rebuilt value gives the same bytes.
    std::string again;
    encodeValue(again, toEngineValue(*v), nullptr);
    QCOMPARE(again, bytes);
}

void TestPayload::printsLikeTheEngine()
{
    auto program = compiler::compile("t.aefl", "actor A { on Go(x, y) { } on Stop { } }\n", {true, false}).program;
    QVERIFY(program);
    const PayloadNames names = PayloadNames::fromProgram(*program);
    const engine::Value v = sample();
    std::string bytes;
    encodeValue(bytes, v, program.get());
    auto d = decodeValue(bytes);
    QVERIFY(d);
    QCOMPARE(formatPayload(*d, names), engine::toDisplay(v, program.get()));
    // A message row stores only the arguments; printed with its name.
    const engine::Value msg = engine::makeMessage(0, {engine::Value::integer(5), engine::makeString("s")});
    std::string args;
    encodePayload(args, msg, true, program.get());
    auto m = decodeRowPayload(int64_t(0), args);
    QVERIFY(m);
    QCOMPARE(formatPayload(*m, names), engine::toDisplay(msg, program.get()));
}

void TestPayload::smallMessagesAreSmall()
{
    std::string args;
    encodePayload(args, engine::makeMessage(0, {engine::Value::integer(1000)}), true, nullptr);
    QCOMPARE(args.size(), size_t(4)); // count, tag, two varint bytes
}

void TestPayload::everyTruncationIsAnError()
{
    std::string bytes;
    encodeValue(bytes, sample(), nullptr);
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto v = decodeValue(std::string_view(bytes).substr(0, n));
        QVERIFY2(!v.has_value(), qPrintable(QString::number(n)));
        QVERIFY(v.error().find("malformed payload") == 0);
    }
    QVERIFY(!decodeValue(bytes + '\0').has_value()); // trailing bytes
}

void TestPayload::hostileCountsAndTags()
{
    const std::string cases[] = {
        std::string("\x06\xff\xff\xff\xff\x0f", 6),                  // a list of 4 billion items in 6 bytes
        std::string("\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11), // string length 2^64-1
        std::string("\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11), // varint past 64 bits
        std::string("\x13", 1),                                      // unknown tag
        std::string("\x10\x01\x02\xff\x69\x00", 6),                   // keyed map: an int key of 0 bytes
        std::string("\x11\x01\x03\xff\x62\x02", 6),                   // set: a bool element of value 2
        std::string("\x11\x01\x02\xff\x7a", 5),                       // set: an unknown key kind
        std::string("\x08\x02\xff\xff\xff\xff\x0f\xff\xff\xff\xff\x0f\x00", 13), // tensor shape vs data
        std::string("\x07\x01\x05" "abcde", 8),                      // map key past the end
    };
    for (const auto& c : cases)
        QVERIFY(!decodeValue(c).has_value());
    QVERIFY(!decodeRowPayload(int64_t(-1), "").has_value());
    QVERIFY(!decodeMessage(0, std::string("\x05", 1)).has_value());
}

void TestPayload::deepNestingIsBounded()
{
    std::string deep;
    for (int i = 0; i < 100'000; ++i)
        deep += std::string("\x06\x01", 2);
    deep += '\0';
    auto v = decodeValue(deep);
    QVERIFY(!v.has_value());
    QVERIFY(v.error().find("deeply") != std::string::npos);
    // The encoder elides what it will not nest.
    engine::Value x = engine::makeList({});
    for (int i = 0; i < 400; ++i)
        x = engine::makeList({x});
    std::string bytes;
    encodeValue(bytes, x, nullptr);
    QVERIFY(decodeValue(bytes).has_value());
}

void TestPayload::stringMapsKeepTheirBytes()
{
    // A map of string keys is tag 7 with the keys' text, as before keys
    // could be anything else.
    engine::Value m = engine::makeMap();
    engine::mutableMap(m).set("ab", engine::Value::integer(1));
    std::string bytes;
    encodeValue(bytes, m, nullptr);
    QCOMPARE(bytes, std::string("\x07\x01\x02" "ab\x03\x02", 7));
    // A tag-7 key of raw bytes that starts with 0xFF is that string, not an int.
    auto v = decodeValue(std::string("\x07\x01\x0a\xff\x69\x01\x00\x00\x00\x00\x00\x00\x00\x00", 14));
    QVERIFY2(v, v ? "" : v.error().c_str());
    const engine::Value back = toEngineValue(*v);
    const engine::Value key = engine::decodeMapKey(engine::asMap(back).entries[0].first);
    QVERIFY(key.isString());
    QCOMPARE(engine::asString(key).text.size(), size_t(10));
}

void TestPayload::backToEngineValues()
{
    std::string bytes;
    encodeValue(bytes, sample(), nullptr);
    auto v = decodeValue(bytes);
    QVERIFY(v);
    QVERIFY(engine::valuesEqual(toEngineValue(*v), sample()));
}

// A record is stored as its type and fields; it prints as the engine prints
// it, and comes back as the same record when the program is given.
void TestPayload::recordsKeepTheirTypeAndNames()
{
    auto program = compiler::compile("t.aefl", "record P { x: int, label: string }\nrecord Q { p: P }\n", {true, false}).program;
    QVERIFY(program);
    QCOMPARE(program->records.size(), size_t(2));
    const engine::Value p = engine::makeRecord(&program->records[0], {engine::Value::integer(-3), engine::makeString("a b")});
    const engine::Value q = engine::makeRecord(&program->records[1], {p});
    std::string bytes;
    encodeValue(bytes, q, program.get());
    auto d = decodeValue(bytes);
    QVERIFY2(d, d ? "" : d.error().c_str());
    QCOMPARE(d->tag, PayloadTag::Record);
    QCOMPARE(d->id, 1u);
    QCOMPARE(formatPayload(*d, PayloadNames::fromProgram(*program)), engine::toDisplay(q, program.get()));
    QCOMPARE(QString::fromStdString(engine::toDisplay(q, program.get())), QStringLiteral("Q(p: P(x: -3, label: \"a b\"))"));
    QVERIFY(engine::valuesEqual(toEngineValue(*d, program.get()), q));
    QVERIFY(toEngineValue(*d).isNil()); // without the program there is no record type to make
    // Without names it still prints, by index.
    QCOMPARE(formatPayload(*d, PayloadNames{}), std::string("record#1(record#0(-3, \"a b\"))"));
    // A record that claims more fields than are stored is malformed.
    for (size_t n = 0; n < bytes.size(); ++n)
        QVERIFY(!decodeValue(std::string_view(bytes).substr(0, n)).has_value());
}

void TestPayload::fuzzCorpusReplays()
{
    // The fuzzer's corpus (and any crash it ever found, once fixed) runs here
    // on every build, through the fuzz target's own invariants.
    const QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/debugger/corpus"));
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    QVERIFY(!files.isEmpty());
    int decoded = 0;
    for (const QString& f : files) {
        QFile file(dir.filePath(f));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray data = file.readAll();
        if (data.isEmpty())
            continue;
        const std::optional<int64_t> handler =
            data[0] == 0 ? std::nullopt : std::optional<int64_t>(uint8_t(data[0]) - 1);
        auto v = decodeRowPayload(handler, std::string_view(data.constData() + 1, size_t(data.size() - 1)));
        if (!v) {
            QVERIFY(v.error().rfind("malformed payload", 0) == 0);
            continue;
        }
        ++decoded;
        std::string once, twice;
        encodeValue(once, toEngineValue(*v), nullptr);
        auto again = decodeValue(once);
        QVERIFY(again.has_value());
        encodeValue(twice, toEngineValue(*again), nullptr);
        QCOMPARE(once, twice);
    }
    QVERIFY(decoded > 0);
}

QTEST_GUILESS_MAIN(TestPayload)
#include "tst_payload.moc"
