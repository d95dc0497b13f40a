package checkout.deployment;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Asks every DynamoDB call for its consumed capacity and adds it up, read and write apart. (A write
 * whose condition fails is charged too, but reports nothing: not counted here.)
 */
final class CapacityRecorder implements ExecutionInterceptor {
  private double read;
  private double write;
  private int calls;

  synchronized double[] take() {
    double[] taken = {read, write, calls};
    read = 0;
    write = 0;
    calls = 0;
    return taken;
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest r = context.request();
    ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
    if (r instanceof GetItemRequest g) return g.toBuilder().returnConsumedCapacity(total).build();
    if (r instanceof BatchGetItemRequest b)
      return b.toBuilder().returnConsumedCapacity(total).build();
    if (r instanceof QueryRequest q) return q.toBuilder().returnConsumedCapacity(total).build();
    if (r instanceof PutItemRequest p) return p.toBuilder().returnConsumedCapacity(total).build();
    if (r instanceof UpdateItemRequest u)
      return u.toBuilder().returnConsumedCapacity(total).build();
    if (r instanceof DeleteItemRequest d)
      return d.toBuilder().returnConsumedCapacity(total).build();
    if (r instanceof TransactWriteItemsRequest t)
      return t.toBuilder().returnConsumedCapacity(total).build();
    return r;
  }

  @Override
  public synchronized void afterExecution(
      Context.AfterExecution context, ExecutionAttributes attributes) {
    SdkResponse response = context.response();
    calls++;
    if (response instanceof GetItemResponse g) read += units(g.consumedCapacity());
    if (response instanceof BatchGetItemResponse b && b.hasConsumedCapacity()) {
      b.consumedCapacity().forEach(c -> read += units(c));
    }
    if (response instanceof QueryResponse q) read += units(q.consumedCapacity());
    if (response instanceof PutItemResponse p) write += units(p.consumedCapacity());
    if (response instanceof UpdateItemResponse u) write += units(u.consumedCapacity());
    if (response instanceof DeleteItemResponse d) write += units(d.consumedCapacity());
    if (response instanceof TransactWriteItemsResponse t && t.consumedCapacity() != null) {
      t.consumedCapacity().forEach(c -> write += units(c));
    }
  }

  private static double units(ConsumedCapacity capacity) {
    return capacity == null || capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
  }
}
