/** Namespace and schema location of the KEC/NTS standard TaxInvoice (NTS.md §0). */
export const TAX_INVOICE_NAMESPACE = 'urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0';
export const TAX_INVOICE_SCHEMA_LOCATION = `${TAX_INVOICE_NAMESPACE} http://www.kec.or.kr/standard/Tax/TaxInvoiceSchemaModule_1.0.xsd`;
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
