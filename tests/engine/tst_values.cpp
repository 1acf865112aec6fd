// Values: printed forms (LANGUAGE.md §16), equality, copy-on-write isolation,
// deep copies for messages, memory accounting.

#include "Hash.h"
#include "MapKey.h"
#include "Print.h"
#include "RuntimeError.h"
#include "Value.h"

#include <QtTest>

using namespace aeroflow::engine;

class TestValues : public QObject {
    Q_OBJECT
private slots:
    void floats_data();
    void floats();
    void collections();
    void stringsQuotedOnlyInsideCollections();
    void equality();
    void copyOnWriteIsolates();
    void deepCopySharesNothingMutable();
    void memoryAccountingAndLimit();
    void utf8();
    void mapKeysByKind();
};

void TestValues::floats_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("2.0") << 2.0 << "2.0";
    QTest::newRow("0.1") << 0.1 << "0.1";
    QTest::newRow("3.14") << 3.14 << "3.14";
    QTest::newRow("1e20") << 1e20 << "1e+20";
    QTest::newRow("-0.5") << -0.5 << "-0.5";
    QTest::newRow("1e-7") << 1e-7 << "1e-07";
    QTest::newRow("big int-valued") << 123456789012.0 << "123456789012.0";
    QTest::newRow("0.1+0.2") << (0.1 + 0.2) << "0.30000000000000004";
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << "inf";
}

void TestValues::floats()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(formatFloat(value)), text);
    QCOMPARE(QString::fromStdString(toDisplay(Value::number(value), nullptr)), text);
}

void TestValues::collections()
{
    Value l = makeList({Value::integer(1), Value::number(2.5), makeString("x"), Value()});
    QCOMPARE(toDisplay(l, nullptr), std::string("[1, 2.5, \"x\", nil]"));
    Value m = makeMap();
    auto& mm = mutableMap(m);
    mm.set("name", makeString("Bob"));
    mm.set("age", Value::integer(3));
    mm.set("full name", makeString("B"));
    mm.set("name", makeString("Ann")); // keeps its position
    QCOMPARE(toDisplay(m, nullptr), std::string("{name: \"Ann\", age: 3, \"full name\": \"B\"}"));
    QCOMPARE(toDisplay(makeResult(true, Value::integer(1)), nullptr), std::string("Ok(1)"));
    QCOMPARE(toDisplay(makeResult(false, makeString("no")), nullptr), std::string("Err(\"no\")"));
    QCOMPARE(toDisplay(Value::boolean(true), nullptr), std::string("true"));
    QCOMPARE(toDisplay(Value::integer(-7), nullptr), std::string("-7"));
    QCOMPARE(toDisplay(makeList(), nullptr), std::string("[]"));
    QCOMPARE(toDisplay(makeMap(), nullptr), std::string("{}"));
}

void TestValues::stringsQuotedOnlyInsideCollections()
{
    Value s = makeString("a\"b\n");
    QCOMPARE(toDisplay(s, nullptr), std::string("a\"b\n"));
    QCOMPARE(toDisplay(makeList({s}), nullptr), std::string("[\"a\\\"b\\n\"]"));
}

void TestValues::equality()
{
    QVERIFY(valuesEqual(Value::integer(1), Value::number(1.0)));
    QVERIFY(!valuesEqual(Value::integer(1), makeString("1")));
    QVERIFY(valuesEqual(makeList({Value::integer(1), makeString("a")}), makeList({Value::integer(1), makeString("a")})));
    QVERIFY(!valuesEqual(makeList({Value::integer(1)}), makeList({Value::integer(2)})));
    QVERIFY(valuesEqual(Value::actor(3, 0), Value::actor(3, 0)));
    QVERIFY(!valuesEqual(Value::actor(3, 0), Value::actor(4, 0)));
    QVERIFY(valuesEqual(Value(), Value()));
    QVERIFY(!valuesEqual(Value(), Value::boolean(false)));
}

void TestValues::copyOnWriteIsolates()
{
    Value a = makeList({Value::integer(1)});
    Value b = a; // shared
    QCOMPARE(a.obj(), b.obj());
    mutableList(b).items.push_back(Value::integer(2));
    QVERIFY(a.obj() != b.obj());
    QCOMPARE(toDisplay(a, nullptr), std::string("[1]"));
    QCOMPARE(toDisplay(b, nullptr), std::string("[1, 2]"));
    // Unshared: changed in place.
    Obj* before = b.obj();
    mutableList(b).items.push_back(Value::integer(3));
    QCOMPARE(b.obj(), before);
}

void TestValues::deepCopySharesNothingMutable()
{
    Value inner = makeList({Value::integer(1)});
    Value m = makeMap();
    mutableMap(m).set("xs", inner);
    Value copy = deepCopy(m);
    QVERIFY(copy.obj() != m.obj());
    QVERIFY(asMap(copy).entries[0].second.obj() != inner.obj());
    QVERIFY(valuesEqual(copy, m));
}

void TestValues::memoryAccountingAndLimit()
{
    HeapAccount account;
    account.bytesByActor.assign(2, 0);
    account.current = 1;
    account.limit = 10'000;
    setCurrentHeapAccount(&account);
    {
        Value l = makeList();
        QVERIFY(account.bytesByActor[1] > 0);
        bool failed = false;
        try {
            for (int i = 0; i < 10'000; ++i) {
                checkMemory(int64_t(sizeof(Value)));
                auto& list = mutableList(l);
                list.items.push_back(Value::integer(i));
                list.recharge();
            }
        } catch (const RuntimeError& e) {
            failed = e.kind == ErrorKind::Memory;
        }
        QVERIFY(failed);
    }
    QCOMPARE(account.bytesByActor[1], int64_t(0)); // everything given back
    QCOMPARE(account.bytesByActor[0], int64_t(0));
    setCurrentHeapAccount(nullptr);
}

void TestValues::utf8()
{
    Value s = makeString("héllo");
    QCOMPARE(asString(s).chars, 5u);
    QCOMPARE(charAt(asString(s), 1), std::string("é"));
    QCOMPARE(charAt(asString(s), 4), std::string("o"));
}

void TestValues::mapKeysByKind()
{
    using namespace aeroflow::engine;
    // One encoding per key value, never shared between kinds; a string's is
    // its own text unless it starts with 0xFF (raw bytes, never UTF-8).
    const std::string raw = std::string("\xff" "i") + std::string(8, '\1');
    const Value keys[] = {Value::integer(1), makeString("1"), Value::boolean(true), makeString("true"),
                          Value::integer(-1), Value::boolean(false), makeString(""), makeString(raw),
                          Value::integer(0x0101010101010101)};
    std::vector<std::string> seen;
    for (const Value& k : keys) {
        const MapKey m(k);
        QVERIFY(m.ok());
        const std::string bytes(m.bytes());
        QVERIFY2(std::find(seen.begin(), seen.end(), bytes) == seen.end(), bytes.c_str());
        seen.push_back(bytes);
        QVERIFY(validMapKey(bytes));
        QVERIFY(valuesEqual(decodeMapKey(bytes), k));
    }
    QCOMPARE(std::string(MapKey(makeString("name")).bytes()), std::string("name"));
    QVERIFY(!MapKey(Value::number(1.0)).ok());
    QVERIFY(!MapKey(Value()).ok());
    QVERIFY(!MapKey(makeList({})).ok());
    for (const std::string bad : {std::string("\xff"), std::string("\xff" "i" "1234567"), std::string("\xff" "b\x02"),
                                  std::string("\xff" "q")})
        QVERIFY(!validMapKey(bad));

    // {1: "a"} and {"1": "a"} differ in equality and state hash; sets compare
    // their elements in any order but hash them in insertion order.
    Value a = makeMap(), b = makeMap();
    mutableMap(a).set(MapKey(Value::integer(1)).bytes(), makeString("a"));
    mutableMap(b).set("1", makeString("a"));
    QVERIFY(!valuesEqual(a, b));
    QVERIFY(hashValue(a, 0) != hashValue(b, 0));
    Value s = makeSet(), t = makeSet();
    mutableSet(s).add(MapKey(Value::integer(1)).bytes());
    mutableSet(s).add("x");
    mutableSet(t).add("x");
    mutableSet(t).add(MapKey(Value::integer(1)).bytes());
    QVERIFY(valuesEqual(s, t));
    QVERIFY(hashValue(s, 0) != hashValue(t, 0));
    QCOMPARE(toDisplay(s, nullptr), std::string("{1, \"x\"}"));
    QCOMPARE(toDisplay(makeSet(), nullptr), std::string("set()"));
    // A copy for another actor shares nothing with the original.
    const Value c = deepCopy(s);
    QVERIFY(c.obj() != s.obj());
    QVERIFY(valuesEqual(c, s));
}

QTEST_GUILESS_MAIN(TestValues)
#include "tst_values.moc"
